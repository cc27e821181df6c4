// An ES module project importing "./lib/text" and "./db" (a folder) fails to start with
// ERR_MODULE_NOT_FOUND and ERR_UNSUPPORTED_DIR_IMPORT; after the snippet's fixProject it runs.
// Package imports, complete specifiers and strings that are not imports stay as they were.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync("/tmp/esm-");
mkdirSync(`${dir}/lib`);
mkdirSync(`${dir}/db`);
writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "app", type: "module" }));
writeFileSync(`${dir}/lib/text.js`, 'export const slugify = (s) => s.toLowerCase().replaceAll(" ", "-");\n');
writeFileSync(`${dir}/db/index.js`, 'export { rows } from "./rows";\n');
writeFileSync(`${dir}/db/rows.js`, "export const rows = 3;\n");
writeFileSync(`${dir}/main.js`, `import { slugify } from "./lib/text";
import { rows } from "./db";
import { sep } from "node:path";
const lazy = await import("./lib/text");
const note = "see ./lib/text for details";
console.log(slugify("Hello World"), rows, sep, lazy.slugify("A B"), note);
`);
const run = () => spawnSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8", timeout: 20000 });

const first = run();
assert.notEqual(first.status, 0);
assert.match(first.stderr, /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module '.*\/lib\/text' imported from .*\/main\.js/);
writeFileSync(`${dir}/main.js`, readFileSync(`${dir}/main.js`, "utf8").replace('"./lib/text";\n', '"./lib/text.js";\n'));
const second = run();
assert.match(second.stderr, /Error \[ERR_UNSUPPORTED_DIR_IMPORT\]: Directory import '.*\/db' is not supported/);

const { fixProject, addJsExtensions } = await loadSnippet();
const changed = fixProject(dir).map((path) => path.slice(dir.length + 1)).sort();
assert.deepEqual(changed, ["db/index.js", "main.js"]);
const fixed = run();
assert.equal(fixed.status, 0, fixed.stderr);
assert.equal(fixed.stdout.trim(), "hello-world 3 / a-b see ./lib/text for details");
const main = readFileSync(`${dir}/main.js`, "utf8");
assert.match(main, /from "\.\/lib\/text\.js"/);
assert.match(main, /from "\.\/db\/index\.js"/);
assert.match(main, /import\("\.\/lib\/text\.js"\)/);
assert.match(main, /from "node:path"/);
assert.equal(addJsExtensions('import x from "./missing";\n', dir), 'import x from "./missing";\n');
assert.deepEqual(fixProject(dir), []); // a second run changes nothing
record({ wrong: ["ERR_MODULE_NOT_FOUND", "ERR_UNSUPPORTED_DIR_IMPORT"], files_fixed: changed });
