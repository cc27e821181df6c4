// The `var` loop gives every tool the last index; the snippet's tools keep their own.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const names = ["search", "read", "write"];
const wrong = [];
for (var i = 0; i < names.length; i++) wrong.push(() => `${names[i]} (#${i})`);
assert.deepEqual(wrong.map((tool) => tool()), ["undefined (#3)", "undefined (#3)", "undefined (#3)"]);

const { makeTools, bindNow } = await loadSnippet();
const right = makeTools(names).map((tool) => tool());
assert.deepEqual(right, ["search (#0)", "read (#1)", "write (#2)"]);

const seen = [];
const timers = [];
for (var j = 0; j < 3; j++) timers.push(new Promise((done) => setTimeout(bindNow((v) => done(seen.push(v)), j), 1)));
await Promise.all(timers);
assert.deepEqual(seen.sort(), [0, 1, 2]);
record({ wrong: wrong.map((tool) => tool()), right });
