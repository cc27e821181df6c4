// Logging an async generator before returning it leaves the caller an empty stream; tap()
// logs and streams in one pass; materialize() allows many passes.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const reads = [];
async function* streamReply() {
  for (const piece of ["Hel", "lo", " world"]) { reads.push(piece); yield piece; }
}
const join = async (stream) => { let t = ""; for await (const c of stream) t += c; return t; };

const logged = [];
async function naiveHandler() {
  const stream = streamReply();
  logged.push(await join(stream));
  return stream;
}
const naiveReply = await join(await naiveHandler());
assert.deepEqual([logged[0], naiveReply], ["Hello world", ""]);
function* gen() { yield 1; yield 2; }
const g = gen();
assert.deepEqual([Array.from(g), Array.from(g)], [[1, 2], []]);

const { tap, materialize } = await loadSnippet();
logged.length = 0;
reads.length = 0;
const tapped = tap(streamReply(), (text) => logged.push(text));
const first = await tapped.next();
assert.equal(first.value, "Hel");
assert.deepEqual(reads, ["Hel"]); // still streaming
const reply = first.value + (await join(tapped));
assert.equal(reply, "Hello world");
assert.deepEqual(logged, ["Hello world"]);
const items = await materialize(streamReply());
assert.deepEqual([items.join(""), items.length], ["Hello world", 3]);
record({ naive_reply: naiveReply, tapped: reply });
