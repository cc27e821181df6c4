// An unset DATA_DIR reaches path.join and fs as undefined: ERR_INVALID_ARG_TYPE "Received
// undefined", and a spread of env values over defaults erases a default. The snippet names every
// missing variable at startup and resolves relative values against the given folder.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const env = { HOME: "/home/app" }; // DATA_DIR and PROMPT_FILE never set (no .env loaded)
const invalid = (message) => (e) => e instanceof TypeError && e.code === "ERR_INVALID_ARG_TYPE" && message.test(e.message);
assert.throws(() => path.join(env.DATA_DIR, "uploads"),
  invalid(/^The "path" argument must be of type string\. Received undefined$/));
assert.throws(() => readFileSync(env.PROMPT_FILE, "utf8"),
  invalid(/^The "path" argument must be of type string or an instance of Buffer or URL\. Received undefined$/));
const defaults = { outputDir: "./sponsorkit" };
const fromEnv = { outputDir: env.SPONSORKIT_DIR };
assert.equal({ ...defaults, ...fromEnv }.outputDir, undefined);
assert.throws(() => path.resolve({ ...defaults, ...fromEnv }.outputDir), invalid(/Received undefined/));

const { loadPathSettings, mergeSet, ConfigError } = await loadSnippet();
const spec = { data: { env: "DATA_DIR" }, prompt: { env: "PROMPT_FILE" }, cache: { env: "CACHE_DIR", default: ".cache" } };
let error = null;
try {
  loadPathSettings(spec, env, "/srv/app");
} catch (e) {
  error = e;
}
assert.ok(error instanceof ConfigError, String(error));
assert.match(error.message, /missing path settings: DATA_DIR \(data\), PROMPT_FILE \(prompt\)/);
const paths = loadPathSettings(spec, { DATA_DIR: "data", PROMPT_FILE: "/etc/app/prompt.md", CACHE_DIR: "" }, "/srv/app");
assert.deepEqual(paths, { data: "/srv/app/data", prompt: "/etc/app/prompt.md", cache: "/srv/app/.cache" });
assert.equal(mergeSet(defaults, fromEnv).outputDir, "./sponsorkit");
assert.equal(mergeSet(defaults, { outputDir: "out" }).outputDir, "out");
record({ missing_reported: 2 });
