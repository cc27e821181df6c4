// Two projects as tsc emits them with tsconfig "paths" ("@/*" -> src/*, "~config" -> one file):
// an ES module one fails under node with ERR_MODULE_NOT_FOUND "Cannot find package '@/lib'", a
// CommonJS one with "Cannot find module '@/lib/db'" and its require stack. After the snippet's
// rewritePathAliases both run; package imports and strings that are not imports stay as they were.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const TSCONFIG = `{
  // paths relative to baseUrl; tsc keeps "@/lib/db" as written in dist/
  "compilerOptions": {
    "rootDir": "src", "outDir": "dist", "baseUrl": ".",
    "paths": { "@/*": ["src/*"], "~config": ["src/config.ts"], },
  },
}
`;

function project(type, files) {
  const dir = mkdtempSync(`/tmp/paths-${type}-`);
  mkdirSync(`${dir}/dist/lib`, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "app", type }));
  writeFileSync(`${dir}/tsconfig.json`, TSCONFIG);
  for (const [name, text] of Object.entries(files)) writeFileSync(`${dir}/dist/${name}`, text);
  return dir;
}
const run = (dir) => spawnSync(process.execPath, ["dist/index.js"], { cwd: dir, encoding: "utf8", timeout: 20000 });

const esm = project("module", {
  "index.js": `import { query } from "@/lib/db";
import { port } from "~config";
import { sep } from "node:path";
const { slug } = await import("@/lib/text");
console.log(query("users"), port, slug("A B"), sep, "see @/lib/db");
`,
  "lib/db.js": 'import { port } from "@/config";\nexport const query = (q) => `${q}@${port}`;\n',
  "lib/text.js": 'export const slug = (s) => s.toLowerCase().replace(" ", "-");\n',
  "config.js": "export const port = 5432;\n",
});
const cjs = project("commonjs", {
  "index.js": 'const { query } = require("@/lib/db");\nconsole.log(query("orders"));\n',
  "lib/db.js": 'const { port } = require("~config");\nexports.query = (q) => `${q}@${port}`;\n',
  "config.js": "exports.port = 6543;\n",
});

const esmError = run(esm);
assert.notEqual(esmError.status, 0);
assert.match(esmError.stderr, /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package '@\/lib' imported from .*\/dist\/index\.js/);
const cjsError = run(cjs);
assert.notEqual(cjsError.status, 0);
assert.match(cjsError.stderr, /Error: Cannot find module '@\/lib\/db'\nRequire stack:\n- .*\/dist\/index\.js/);

const { rewritePathAliases, resolveAlias, readTsconfig } = await loadSnippet();
const esmChanged = rewritePathAliases(`${esm}/tsconfig.json`).map((p) => p.slice(esm.length + 1)).sort();
assert.deepEqual(esmChanged, ["dist/index.js", "dist/lib/db.js"]);
const fixed = run(esm);
assert.equal(fixed.status, 0, fixed.stderr);
assert.equal(fixed.stdout.trim(), "users@5432 5432 a-b / see @/lib/db");
const index = readFileSync(`${esm}/dist/index.js`, "utf8");
assert.match(index, /from "\.\/lib\/db\.js"/);
assert.match(index, /from "\.\/config\.js"/);
assert.match(index, /import\("\.\/lib\/text\.js"\)/);
assert.match(index, /from "node:path"/);
assert.match(readFileSync(`${esm}/dist/lib/db.js`, "utf8"), /from "\.\.\/config\.js"/);
assert.deepEqual(rewritePathAliases(`${esm}/tsconfig.json`), []); // a second run changes nothing

assert.deepEqual(rewritePathAliases(`${cjs}/tsconfig.json`).length, 2);
const cjsFixed = run(cjs);
assert.equal(cjsFixed.status, 0, cjsFixed.stderr);
assert.equal(cjsFixed.stdout.trim(), "orders@6543");
assert.equal(resolveAlias("@/lib/missing", `${esm}/dist`, readTsconfig(`${esm}/tsconfig.json`)), null);
record({
  wrong: [esmError.stderr.match(/Error \[ERR_MODULE_NOT_FOUND\][^\n]*/)[0].replace(esm, "/app"),
    cjsError.stderr.match(/Error: Cannot find module[^\n]*/)[0]],
  files_rewritten: esmChanged,
});
