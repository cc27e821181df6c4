// Top-level await in a CommonJS file and await in a plain function fail with "await is only valid
// in async functions and the top level bodies of modules"; await in a non-async callback of a
// module with "Unexpected reserved word". The snippet's runMain, run as CommonJS, awaits the work,
// and a failing main prints its error and sets exit code 1 (no unhandled rejection).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync("/tmp/await-");
writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "app", type: "commonjs" }));
const loadConfig = "const loadConfig = () => new Promise((done) => setTimeout(() => done({ model: 'small' }), 5));\n";
writeFileSync(`${dir}/top-level.js`, `${loadConfig}const config = await loadConfig();\nconsole.log(config.model);\n`);
writeFileSync(`${dir}/plain-function.js`, `${loadConfig}function start() { return await loadConfig(); }\nstart();\n`);
writeFileSync(`${dir}/callback.mjs`, `const saved = [];\n[1, 2].forEach((n) => { await Promise.resolve(); saved.push(n); });\n`);
writeFileSync(`${dir}/async-main.cjs`, readFileSync(new URL("./snippet.mjs", import.meta.url)));
writeFileSync(`${dir}/fixed.js`, `${loadConfig}const { runMain } = require("./async-main.cjs");
async function main() {
  const config = await loadConfig();
  const saved = [];
  for (const n of [1, 2]) { await Promise.resolve(); saved.push(n); }
  console.log(config.model, saved.join(","));
}
runMain(main);
`);
writeFileSync(`${dir}/failing.js`, `const { runMain } = require("./async-main.cjs");
runMain(async () => { throw new Error("config file missing"); });
`);
const node = (file) => spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 20000 });

const messages = [];
for (const [file, message] of [
  ["top-level.js", "SyntaxError: await is only valid in async functions and the top level bodies of modules"],
  ["plain-function.js", "SyntaxError: await is only valid in async functions and the top level bodies of modules"],
  ["callback.mjs", "SyntaxError: Unexpected reserved word"],
]) {
  const result = node(file);
  assert.notEqual(result.status, 0, file);
  assert.ok(result.stderr.includes(message), `${file}: ${result.stderr}`);
  messages.push(message);
}
const fixed = node("fixed.js");
assert.equal(fixed.status, 0, fixed.stderr);
assert.equal(fixed.stdout.trim(), "small 1,2");
const failing = node("failing.js");
assert.equal(failing.status, 1);
assert.match(failing.stderr, /Error: config file missing/);
assert.doesNotMatch(failing.stderr, /UnhandledPromiseRejection|triggerUncaughtException/);

const cjsModule = { exports: {} };
await loadSnippet({ module: cjsModule });
const seen = [];
await cjsModule.exports.runMain(async () => { seen.push("ran"); });
await cjsModule.exports.runMain(async () => { throw new Error("boom"); }, { onError: (e) => seen.push(e.message) });
assert.deepEqual(seen, ["ran", "boom"]);
assert.equal(process.exitCode, 1);
process.exitCode = 0;
record({ wrong: messages, fixed: fixed.stdout.trim() });
