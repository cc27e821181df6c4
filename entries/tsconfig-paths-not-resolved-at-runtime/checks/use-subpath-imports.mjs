// A project whose src imports "@/lib/db" (a tsconfig "paths" alias) and whose build copies src
// to dist unchanged, as tsc does with the specifiers: node fails with "Cannot find package
// '@/lib'". With the specifiers renamed to "#lib/..." but no "imports" field it still fails
// (ERR_PACKAGE_IMPORT_NOT_DEFINED); with the snippet's addImports it runs, for import and require.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync("/tmp/subpath-");
mkdirSync(`${dir}/src/lib`, { recursive: true });
writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "app", type: "module" }, null, 2));
writeFileSync(`${dir}/src/index.ts`, `import { query } from "@/lib/db";
import { sep } from "node:path";
const { slug } = await import("@/lib/text");
console.log(query("users"), slug("A B"), sep, "@/lib/db in a string");
`);
writeFileSync(`${dir}/src/lib/db.ts`, 'import { slug } from "@/lib/text";\nexport const query = (q) => slug(`${q} table`);\n');
writeFileSync(`${dir}/src/lib/text.ts`, 'export const slug = (s) => s.toLowerCase().replace(" ", "-");\n');

function emit(from = `${dir}/src`, to = `${dir}/dist`) { // tsc's emit, specifiers untouched
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (statSync(join(from, name)).isDirectory()) emit(join(from, name), join(to, name));
    else writeFileSync(join(to, name.replace(/\.ts$/, ".js")), readFileSync(join(from, name), "utf8"));
  }
}
const run = (cwd, main = "dist/index.js") => spawnSync(process.execPath, [main], { cwd, encoding: "utf8", timeout: 20000 });

emit();
const alias = run(dir);
assert.notEqual(alias.status, 0);
assert.match(alias.stderr, /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package '@\/lib' imported from .*\/dist\/index\.js/);

const { addImports, renameAliases } = await loadSnippet();
const renamed = renameAliases(`${dir}/src`, { "@/lib/": "#lib/" }).map((p) => p.slice(dir.length + 1)).sort();
assert.deepEqual(renamed, ["src/index.ts", "src/lib/db.ts"]);
emit();
const undefinedImport = run(dir);
assert.match(undefinedImport.stderr, /ERR_PACKAGE_IMPORT_NOT_DEFINED/);

assert.equal(addImports(`${dir}/package.json`, { "#lib/*": "./dist/lib/*.js" }), true);
const fixed = run(dir);
assert.equal(fixed.status, 0, fixed.stderr);
assert.equal(fixed.stdout.trim(), "users-table a-b / @/lib/db in a string");
assert.match(readFileSync(`${dir}/src/index.ts`, "utf8"), /from "node:path"/);
assert.equal(addImports(`${dir}/package.json`, { "#lib/*": "./dist/lib/*.js" }), false); // already there
assert.deepEqual(renameAliases(`${dir}/src`, { "@/lib/": "#lib/" }), []);
assert.throws(() => addImports(`${dir}/package.json`, { "@/lib/*": "./dist/lib/*.js" }), /must start with #/);

// The same field serves require() in a CommonJS build.
const cjs = mkdtempSync("/tmp/subpath-cjs-");
mkdirSync(`${cjs}/dist/lib`, { recursive: true });
writeFileSync(`${cjs}/package.json`, JSON.stringify({ name: "app", type: "commonjs" }));
writeFileSync(`${cjs}/dist/index.js`, 'const { port } = require("#lib/config");\nconsole.log(port);\n');
writeFileSync(`${cjs}/dist/lib/config.js`, "exports.port = 5432;\n");
assert.match(run(cjs).stderr, /Error: Cannot find module '#lib\/config'\nRequire stack:/);
addImports(`${cjs}/package.json`, { "#lib/*": "./dist/lib/*.js" });
const cjsFixed = run(cjs);
assert.equal(cjsFixed.status, 0, cjsFixed.stderr);
assert.equal(cjsFixed.stdout.trim(), "5432");
record({
  wrong: [alias.stderr.match(/Error \[ERR_MODULE_NOT_FOUND\][^\n]*/)[0].replace(dir, "/app"), "ERR_PACKAGE_IMPORT_NOT_DEFINED"],
  imports: JSON.parse(readFileSync(`${dir}/package.json`, "utf8")).imports,
});
