// Iterating an async stream with for...of, or for await over an un-awaited promise, throws;
// await + for await (and the chunks adapter) join the streamed text.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const PIECES = ["Hel", "lo", " world"];
async function* sse() {
  for (const piece of PIECES) yield { choices: [{ index: 0, delta: { content: piece } }] };
  yield { choices: [], usage: { completion_tokens: 3 } };
}
async function create(request) { // like openai.chat.completions.create({ stream: true })
  assert.equal(request.stream, true);
  return sse();
}

const errors = {};
const stream = await create({ stream: true });
try { for (const chunk of stream) void chunk; } catch (error) { errors.forOf = error.message; }
const streamPromise = create({ stream: true });
try { for await (const chunk of streamPromise) void chunk; } catch (error) { errors.forAwaitPromise = error.message; }
assert.deepEqual(errors, { forOf: "stream is not iterable", forAwaitPromise: "streamPromise is not async iterable" });

const { streamText, chunks, chunkText } = await loadSnippet();
assert.equal(await streamText(create, { model: "m", messages: [] }), "Hello world");
const join = async (source) => { let t = ""; for await (const c of chunks(source)) t += chunkText(c); return t; };
assert.equal(await join(create({ stream: true })), "Hello world");
assert.equal(await join(await create({ stream: true })), "Hello world");
assert.equal(await join(PIECES.map((p) => ({ choices: [{ delta: { content: p } }] }))), "Hello world");
record({ wrong: errors });
