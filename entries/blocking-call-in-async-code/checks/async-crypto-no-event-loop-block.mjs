// A 5 ms heartbeat timer counts how often the event loop gets a turn while four passwords are
// hashed: with pbkdf2Sync it gets none until the hashing is over (a timer cannot fire while
// synchronous code runs); with the async snippet it keeps beating.
import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { loadSnippet, record } from "./errata_check.mjs";

const ITERATIONS = 100_000;
async function heartbeat(work) {
  let beats = 0;
  const beat = setInterval(() => (beats += 1), 5);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the timer is running
  const before = beats;
  const started = performance.now();
  const hashes = await work();
  const during = beats - before;
  const elapsed = performance.now() - started;
  clearInterval(beat);
  return { during, elapsed, hashes };
}
const passwords = ["a", "b", "c", "d"];
const blocking = await heartbeat(async () =>
  passwords.map((p) => pbkdf2Sync(p, "salt", ITERATIONS, 32, "sha256").toString("hex")));
const { hashPassword } = await loadSnippet();
const nonBlocking = await heartbeat(async () => {
  const hashes = [];
  for (const p of passwords) hashes.push(await hashPassword(p, "salt", ITERATIONS));
  return hashes;
});
assert.deepEqual(nonBlocking.hashes, blocking.hashes);
assert.equal(blocking.during, 0); // not one turn of the loop while hashing
assert.ok(nonBlocking.during >= 3, JSON.stringify(nonBlocking));
record({
  heartbeats_while_blocking: blocking.during,
  heartbeats_while_async: nonBlocking.during,
  event_loop_frozen_ms: Math.round(blocking.elapsed),
});
