// Creating the client in an imported module while main loads .env afterwards: the child exits
// with the SDK's missing-key error. Loading .env in a module imported first works from another
// working directory; a lazy client reads the key on first use.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { loadSnippet, record } from "./errata_check.mjs";

const MESSAGE = "The OPENAI_API_KEY environment variable is missing or empty; either provide it, or instantiate the OpenAI client with an apiKey option, like new OpenAI({ apiKey: 'My API Key' }).";
const dir = mkdtempSync("/tmp/app-");
const { loadProjectEnv, requireEnv, lazy } = await loadSnippet();
writeFileSync(`${dir}/.env`, "OPENAI_API_KEY=sk-test-123\n");
writeFileSync(`${dir}/openai.mjs`, `export class OpenAI { constructor(o = {}) {
  this.apiKey = o.apiKey ?? process.env.OPENAI_API_KEY;
  if (!this.apiKey) throw new Error(${JSON.stringify(MESSAGE)}); } }\n`);
writeFileSync(`${dir}/llm.mjs`, `import { OpenAI } from "./openai.mjs";\nexport const client = new OpenAI();\n`);
copyFileSync(new URL("./snippet.mjs", import.meta.url), `${dir}/snippet.mjs`); // the published snippet
writeFileSync(`${dir}/env.mjs`, `import { loadProjectEnv } from "./snippet.mjs";\nloadProjectEnv(new URL(".", import.meta.url).href);\n`);
writeFileSync(`${dir}/wrong.mjs`, `import { client } from "./llm.mjs";\nprocess.loadEnvFile(".env");\nconsole.log(client.apiKey);\n`);
writeFileSync(`${dir}/fixed.mjs`, `import "./env.mjs";\nimport { client } from "./llm.mjs";\nconsole.log(client.apiKey);\n`);

const env = { PATH: process.env.PATH ?? "" };
const run = (file) => spawnSync(process.execPath, [`${dir}/${file}`], { cwd: "/", env, encoding: "utf8", timeout: 20000 });
const wrong = run("wrong.mjs");
assert.notEqual(wrong.status, 0);
assert.ok(wrong.stderr.includes(MESSAGE), wrong.stderr);
const fixed = run("fixed.mjs");
assert.equal(fixed.status, 0, fixed.stderr);
assert.equal(fixed.stdout.trim(), "sk-test-123");

delete process.env.OPENAI_API_KEY;
assert.throws(() => requireEnv("OPENAI_API_KEY"), /OPENAI_API_KEY is not set/);
const { OpenAI } = await import(pathToFileURL(`${dir}/openai.mjs`).href);
const getClient = lazy(() => new OpenAI({ apiKey: requireEnv("OPENAI_API_KEY") }));
loadProjectEnv(pathToFileURL(dir).href);
assert.equal(getClient().apiKey, "sk-test-123");
assert.equal(getClient(), getClient());
record({ wrong_exit: wrong.status, fixed_output: fixed.stdout.trim() });
