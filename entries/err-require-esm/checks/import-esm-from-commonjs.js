// In a CommonJS project, require() of an ESM-only package fails: ERR_REQUIRE_ESM where Node does
// not load ES modules with require() (emulated with --no-experimental-require-module), and
// ERR_REQUIRE_ASYNC_MODULE when the package has top-level await. The snippet's importEsm, run as
// CommonJS, loads both packages in both modes. An `import` statement in a CommonJS .js file is a
// SyntaxError; the same file as .mjs runs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync("/tmp/proj-");
const esmPackage = (name, body) => {
  mkdirSync(`${dir}/node_modules/${name}`, { recursive: true });
  writeFileSync(`${dir}/node_modules/${name}/package.json`, JSON.stringify({ name, type: "module", exports: "./index.js" }));
  writeFileSync(`${dir}/node_modules/${name}/index.js`, body);
};
esmPackage("esm-only", 'export default function limit() { return "plain ESM"; }\n');
esmPackage("esm-tla", 'const config = await Promise.resolve("top-level await");\nexport default () => config;\n');
writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "app", type: "commonjs" }));
const snippetFile = new URL("./snippet.mjs", import.meta.url); // the published snippet, run as CommonJS
writeFileSync(`${dir}/import-esm.cjs`, readFileSync(snippetFile, "utf8"));
writeFileSync(`${dir}/wrong.cjs`, `const m = require(process.argv[2]);\nconsole.log(m.default());\n`);
writeFileSync(`${dir}/fixed.cjs`, `const { importEsm } = require("./import-esm.cjs");
async function main() {
  const { default: run } = await importEsm(process.argv[2]);
  const again = await importEsm(process.argv[2]);
  console.log(run(), again.default === run);
}
main().catch((error) => { console.error(error); process.exit(1); });\n`);
writeFileSync(`${dir}/syntax.js`, 'import { sep } from "node:path";\nconsole.log("ran", sep);\n');
writeFileSync(`${dir}/syntax.mjs`, readFileSync(`${dir}/syntax.js`));

const node = (args) => spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", timeout: 20000 });
const OLD = "--no-experimental-require-module";

const oldRequire = node([OLD, "wrong.cjs", "esm-only"]);
assert.match(oldRequire.stderr, /Error \[ERR_REQUIRE_ESM\]: require\(\) of ES Module .*esm-only\/index\.js from .*wrong\.cjs not supported/);
const tlaRequire = node(["wrong.cjs", "esm-tla"]);
assert.match(tlaRequire.stderr, /ERR_REQUIRE_ASYNC_MODULE/);
const syntax = node(["syntax.js"]);
assert.match(syntax.stderr, /SyntaxError: Cannot use import statement outside a module/);

const outputs = [];
for (const args of [[OLD, "fixed.cjs", "esm-only"], ["fixed.cjs", "esm-only"], [OLD, "fixed.cjs", "esm-tla"], ["fixed.cjs", "esm-tla"]]) {
  const result = node(args);
  assert.equal(result.status, 0, result.stderr);
  outputs.push(result.stdout.trim());
}
assert.deepEqual(outputs, ["plain ESM true", "plain ESM true", "top-level await true", "top-level await true"]);
const asModule = node(["syntax.mjs"]);
assert.equal(asModule.status, 0, asModule.stderr);
// In this process too: the snippet with a CommonJS `module` object given as a global.
const cjsModule = { exports: {} };
await loadSnippet({ module: cjsModule });
const { importEsm } = cjsModule.exports;
const url = (name) => new URL(`node_modules/${name}/index.js`, `file://${dir}/`).href;
const [first, second] = [await importEsm(url("esm-tla")), await importEsm(url("esm-tla"))];
assert.equal(first, second);
assert.equal(first.default(), "top-level await");
record({ wrong: ["ERR_REQUIRE_ESM", "ERR_REQUIRE_ASYNC_MODULE", "Cannot use import statement outside a module"], fixed_outputs: outputs });
