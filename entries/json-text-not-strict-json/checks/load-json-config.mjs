// JSON.parse on hand-edited configs, an object literal from util.inspect and a package.json with
// git conflict markers throws terse SyntaxErrors; readJsonConfig names file:line:col and the rule,
// and writeJsonConfig writes JSON that reads back.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { loadSnippet, record } from "./errata_check.mjs";

const cases = {
  "quotes.json": ["{'name': 'bot', 'debug': true}\n", "single quotes", "1:2"],
  "inspect.json": [inspect({ name: "bot", debug: true }) + "\n", "unquoted key", "1:3"],
  "comma.json": ['{\n  "name": "bot",\n  "debug": true,\n}\n', "trailing comma", "3:16"],
  "list.json": ['{"ids": [1, 2, 3,]}\n', "trailing comma", "1:17"],
  "comment.json": ['{\n  // the bot\'s name\n  "name": "bot"\n}\n', "comment", "2:3"],
  "package.json": ['{\n  "name": "app",\n<<<<<<< HEAD\n  "version": "1.1.0"\n=======\n  "version": "1.2.0"\n>>>>>>> feature\n}\n', "git conflict marker", "3:1"],
};
const folder = mkdtempSync(join(tmpdir(), "config-"));
const { readJsonConfig, writeJsonConfig, ConfigSyntaxError } = await loadSnippet();
const naive = {};
const reported = {};
for (const [name, [text, rule, place]] of Object.entries(cases)) {
  const path = join(folder, name);
  writeFileSync(path, text);
  assert.throws(() => JSON.parse(readFileSync(path, "utf8")), (error) => {
    naive[name] = error.message.split("\n")[0];
    return error instanceof SyntaxError;
  });
  assert.throws(() => readJsonConfig(path), (error) => {
    reported[name] = error.message.replace(folder, "<dir>");
    return error instanceof ConfigSyntaxError && error.message.startsWith(`${path}:${place}: `) && error.message.includes(rule);
  }, name);
}
assert.match(naive["quotes.json"], /(Expected property name or '}'|Unexpected token ') in JSON at position 1/);
assert.match(naive["comma.json"], /(double-quoted property name|Unexpected token \}) in JSON at position/);
assert.match(naive["package.json"], /(double-quoted property name|Unexpected token '?<'?) in JSON at position 19/);
const saved = join(folder, "saved.json");
const value = { name: "it's // fine, #1", n: -1.5e3, ok: [true, null] };
writeJsonConfig(saved, value);
assert.deepEqual(readJsonConfig(saved), value);
record({ naive, reported });
