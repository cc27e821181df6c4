// JSON.parse of an already-parsed body throws "[object Object]" is not valid JSON, and text
// accumulated from undefined starts with "undefined"; parseJsonOnce and joinText do neither.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const caught = (fn) => { try { fn(); } catch (e) { return e; } throw new Error("did not throw"); };
const raw = '{"user":{"id":7,"name":"Ada"},"tags":["a","b"]}';

// What axios's default transformResponse and express.json() hand the application: parsed values.
const response = { status: 200, data: JSON.parse(raw) };
const req = { headers: { "content-type": "application/json" }, body: JSON.parse(raw) };
const naive = [
  caught(() => JSON.parse(response.data)),
  caught(() => JSON.parse(req.body)),
  caught(() => JSON.parse(undefined)),
];
for (const error of naive) assert.ok(error instanceof SyntaxError);
assert.equal(naive[0].message, '"[object Object]" is not valid JSON');
assert.equal(naive[2].message, '"undefined" is not valid JSON');
let args; // the first tool-call delta carries no arguments
for (const piece of ['{"city":', '"Paris"}']) args += piece;
const streamed = caught(() => JSON.parse(args));
assert.match(streamed.message, /^Unexpected token 'u', "undefined\{"\.\.\. is not valid JSON$/);

const { parseJsonOnce, joinText, NotJsonText } = await loadSnippet();
const expected = { user: { id: 7, name: "Ada" }, tags: ["a", "b"] };
assert.deepEqual(parseJsonOnce(response.data), expected);
assert.equal(parseJsonOnce(req.body), req.body, "a parsed body is passed through, not copied");
assert.deepEqual(parseJsonOnce(raw), expected);
assert.deepEqual(parseJsonOnce(new TextEncoder().encode(raw)), expected);
assert.deepEqual(parseJsonOnce(["a", "b"]), ["a", "b"]);
assert.throws(() => parseJsonOnce(undefined), (e) => e instanceof NotJsonText && /got undefined/.test(e.message));
assert.throws(() => parseJsonOnce(null), /got null/);
assert.throws(() => parseJsonOnce("{oops"), SyntaxError, "broken text still fails");
const deltas = [{}, { arguments: '{"city":' }, { arguments: '"Paris"}' }];
assert.deepEqual(parseJsonOnce(joinText(deltas.map((d) => d.arguments))), { city: "Paris" });
assert.equal(joinText([]), "");
record({ naive: naive.map((e) => e.message), streamed: streamed.message });
