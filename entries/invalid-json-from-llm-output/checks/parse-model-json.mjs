// Replies as models send them: JSON.parse throws on each; parseModelJson reads the object, and
// names the problem of a truncated reply or a missing key.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const replies = [
  '```json\n{"action": "search", "query": "a {b}"}\n```',
  'Sure! Here is the JSON you asked for:\n{"action": "search", "query": "a {b}"}\nLet me know!',
  '{"action": "search", "query": "a {b}"}\n\nI chose search because...',
];
let parseErrors = 0;
for (const reply of replies) {
  assert.throws(() => JSON.parse(reply), SyntaxError);
  parseErrors += 1;
}
const { parseModelJson, ModelJsonError } = await loadSnippet();
for (const reply of replies) {
  assert.deepEqual(parseModelJson(reply, ["action", "query"]), { action: "search", query: "a {b}" });
}
assert.throws(() => parseModelJson('{"action": "sea', ["action"]), (e) => e instanceof ModelJsonError && /cut off/.test(e.message));
assert.throws(() => parseModelJson('{"action": "search"}', ["query"]), /missing keys: query/);
assert.throws(() => parseModelJson("I cannot help with that."), /no JSON/);
record({ json_parse_errors: parseErrors, parsed: replies.length });
