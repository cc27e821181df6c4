// A listener per request: 50 requests leave 50 listeners and Node emits
// MaxListenersExceededWarning. One routing listener: 50 concurrent requests, one listener, no
// warning, every reply delivered, a missing reply times out and is forgotten.
import assert from "node:assert/strict";
import { EventEmitter, getEventListeners } from "node:events";
import { loadSnippet, record } from "./errata_check.mjs";

const warnings = [];
process.on("warning", (warning) => warnings.push(warning));
const settle = () => new Promise((resolve) => setImmediate(resolve));

function naiveRequest(emitter, id) {
  return new Promise((resolve) => emitter.on("message", (m) => { if (m.id === id) resolve(m); }));
}
const leaky = new EventEmitter();
const naive = Array.from({ length: 50 }, (_, id) => naiveRequest(leaky, id));
for (let id = 0; id < 50; id++) leaky.emit("message", { id });
await Promise.all(naive);
await settle();
const naiveListeners = leaky.listenerCount("message");
assert.equal(naiveListeners, 50); // answered, yet every closure is still attached
const leak = warnings.find((w) => w.name === "MaxListenersExceededWarning");
assert.ok(leak && /Possible EventEmitter memory leak detected\. 11 message listeners/.test(leak.message), String(leak));

warnings.length = 0;
const { createRequester, withAbort } = await loadSnippet();
const socket = new EventEmitter();
const request = createRequester(socket, { timeoutMs: 200 });
const replies = Array.from({ length: 50 }, (_, id) => request(id));
for (let id = 49; id >= 0; id--) socket.emit("message", { id, body: `reply ${id}` });
const got = await Promise.all(replies);
assert.deepEqual(got.map((m) => m.id), Array.from({ length: 50 }, (_, id) => id));
await assert.rejects(request(999), /no reply to 999/);
await settle();
assert.equal(socket.listenerCount("message"), 1);
assert.equal(warnings.filter((w) => w.name === "MaxListenersExceededWarning").length, 0);

// One session signal shared by 30 tool calls: adding "abort" listeners without removing them.
const session = new AbortController();
for (let i = 0; i < 30; i++) {
  const call = new AbortController();
  session.signal.addEventListener("abort", () => call.abort());
  await Promise.resolve(i);
}
await settle();
// Node 20 also warns here ("11 abort listeners added to [AbortSignal]"); Node 26 no longer
// warns for AbortSignal, but the 30 listeners, and every closure they hold, stay all the same.
assert.equal(getEventListeners(session.signal, "abort").length, 30);
warnings.length = 0;
const shared = new AbortController();
for (let i = 0; i < 30; i++) await withAbort(shared.signal, async (signal) => signal.aborted);
await settle();
assert.equal(getEventListeners(shared.signal, "abort").length, 0);
assert.equal(warnings.length, 0, warnings.map(String).join("; "));
const cancelled = withAbort(shared.signal, (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))));
shared.abort(new Error("user pressed Esc"));
await assert.rejects(cancelled, /user pressed Esc/);
record({ naive_abort_listeners: getEventListeners(session.signal, "abort").length, naive_listeners: naiveListeners, fixed_listeners: socket.listenerCount("message"), replies: got.length });
