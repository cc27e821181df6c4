// Five agents each need a 60 ms "LLM call" to update their own key. Holding the lock across the
// call makes them wait in line (about 5 x 60 ms); the snippet's short critical sections let the
// calls overlap, and a concurrent change to the same key is recomputed, not overwritten.
import assert from "node:assert/strict";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const { Mutex, updateWithShortLock } = await loadSnippet();
const callLlm = async (value) => { await sleep(60); return `${value}+summary`; };
const fresh = () => new Map([0, 1, 2, 3, 4].map((i) => [`k${i}`, { value: `doc${i}`, version: 0 }]));

const held = fresh();
const heldLock = new Mutex();
let started = performance.now();
await Promise.all([...held.keys()].map((key) => heldLock.run(async () => {
  const { value, version } = held.get(key);
  held.set(key, { value: await callLlm(value), version: version + 1 });
})));
const heldMs = performance.now() - started;

const short = fresh();
const mutex = new Mutex();
started = performance.now();
await Promise.all([...short.keys()].map((key) => updateWithShortLock(mutex, short, key, callLlm)));
const shortMs = performance.now() - started;
assert.deepEqual([...short.values()].map((e) => e.value), [...held.values()].map((e) => e.value));
assert.ok(heldMs >= 290, String(heldMs));
assert.ok(shortMs * 2.5 < heldMs, JSON.stringify({ heldMs, shortMs }));

const contested = fresh();
let interfered = false;
const result = await updateWithShortLock(mutex, contested, "k0", async (value) => {
  if (!interfered) { interfered = true; contested.set("k0", { value: "edited", version: 1 }); }
  return callLlm(value);
});
assert.equal(result, "edited+summary");
record({ lock_held_ms: Math.round(heldMs), short_lock_ms: Math.round(shortMs) });
