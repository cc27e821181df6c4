// Bounded listeners: a fixed set of 12 on one bus, 20 operations on one request's signal and one
// "exit" listener per test file in one process each make Node print MaxListenersExceededWarning
// although nothing grows. With the limit raised on those emitters only: no warning, the counts
// stay at their bound over 40 requests, a 13th bus listener and a leaking emitter still warn.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { loadSnippet, record } from "./errata_check.mjs";

const PLUGINS = 12;
const OPERATIONS = 20;
const TEST_FILES = 15;
const REQUESTS = 40;
const warnings = [];
process.on("warning", (w) => w.name === "MaxListenersExceededWarning" && warnings.push(w.message));
const settle = () => new Promise((resolve) => setImmediate(resolve));
const takeWarnings = async () => { await settle(); return warnings.splice(0); };

// A signal class of a server framework (a Request's own signal), not Node's AbortSignal.
class RequestSignal extends EventTarget {
  aborted = false;
  abort(reason) { this.aborted = true; this.reason = reason; this.dispatchEvent(new Event("abort")); }
}
const startBus = (bus) => { for (let i = 0; i < PLUGINS; i++) bus.on("reload", () => {}); return bus; };
async function handle(signal) { // every operation of the request listens on the request's signal
  const operation = (i) => new Promise((resolve, reject) => {
    signal.addEventListener("abort", () => reject(new Error(`operation ${i} aborted`)), { once: true });
    setImmediate(resolve, i);
  });
  return (await Promise.all(Array.from({ length: OPERATIONS }, (_, i) => operation(i)))).length;
}
const testFiles = (target) => Array.from({ length: TEST_FILES }, () => { const f = () => {}; target.on("exit", f); return f; });

// Without the fix: three warnings, none of them a leak.
startBus(new EventEmitter());
await handle(new RequestSignal());
const files = testFiles(process);
const native = new AbortController();
await handle(native.signal); // Node 26 no longer warns for its own AbortSignal; older Nodes do
const before = await takeWarnings();
for (const f of files) process.off("exit", f);
assert.ok(before.some((m) => /Possible EventEmitter memory leak detected\. 11 reload listeners added to \[EventEmitter\]/.test(m)), before.join("\n"));
assert.ok(before.some((m) => /Possible EventTarget memory leak detected\. 11 abort listeners added to RequestSignal/.test(m)), before.join("\n"));
assert.ok(before.some((m) => /11 exit listeners added to \[process\]/.test(m)), before.join("\n"));
const nativeWarns = before.some((m) => /added to \[AbortSignal\]/.test(m));
assert.equal(nativeWarns, Number(process.versions.node.split(".")[0]) < 26);

// With the limit raised to each known bound, on those emitters only.
const { allowListeners, requestController, listenerCount } = await loadSnippet();
const bus = startBus(allowListeners(new EventEmitter(), PLUGINS));
allowListeners(process, process.listenerCount("exit") + TEST_FILES);
const fixedFiles = testFiles(process);
const busCounts = new Set();
const signalCounts = new Set();
for (let r = 0; r < REQUESTS; r++) {
  const signal = allowListeners(new RequestSignal(), OPERATIONS);
  assert.equal(await handle(signal), OPERATIONS);
  const controller = requestController(OPERATIONS);
  assert.equal(await handle(controller.signal), OPERATIONS);
  signalCounts.add(listenerCount(signal, "abort")).add(listenerCount(controller.signal, "abort"));
  busCounts.add(listenerCount(bus, "reload"));
}
assert.deepEqual([...busCounts], [PLUGINS]); // the same 12 after every request: nothing grows
assert.deepEqual([...signalCounts], [OPERATIONS]); // each request's signal holds its 20, then goes
const withFix = await takeWarnings();
assert.deepEqual(withFix, []);
assert.equal(EventEmitter.defaultMaxListeners, 10); // every other emitter keeps the default
const aborting = requestController(OPERATIONS);
const cancelled = handle(aborting.signal);
aborting.abort();
await assert.rejects(cancelled, /operation 0 aborted/); // the signal still cancels its operations
for (const f of fixedFiles) process.off("exit", f);

// A real leak still warns: a 13th listener on the bus, a listener per request on another emitter.
bus.on("reload", () => {});
const socket = new EventEmitter();
for (let r = 0; r < REQUESTS; r++) socket.on("data", () => {});
const after = await takeWarnings();
assert.ok(after.some((m) => /13 reload listeners added to \[EventEmitter\]\. MaxListeners is 12/.test(m)), after.join("\n"));
assert.ok(after.some((m) => /11 data listeners added to \[EventEmitter\]\. MaxListeners is 10/.test(m)), after.join("\n"));
record({
  warnings_without_fix: before.length,
  bus_listeners_per_request: [...busCounts],
  signal_listeners_per_request: [...signalCounts],
  warnings_with_fix: withFix.length,
  leak_warnings_kept: after.length,
  native_abort_signal_warns: nativeWarns,
});
