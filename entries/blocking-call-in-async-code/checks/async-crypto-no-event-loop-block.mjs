// A 5 ms heartbeat timer measures the event loop while four passwords are hashed: with
// pbkdf2Sync the heartbeat stalls for the whole hashing; with the async snippet it keeps beating.
import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { loadSnippet, record } from "./errata_check.mjs";

const ITERATIONS = 100_000;
async function worstStall(work) {
  let last = performance.now();
  let worst = 0;
  const beat = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  const hashes = await work();
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(beat);
  return { worst, elapsed, hashes };
}
const passwords = ["a", "b", "c", "d"];
const blocking = await worstStall(async () =>
  passwords.map((p) => pbkdf2Sync(p, "salt", ITERATIONS, 32, "sha256").toString("hex")));
const { hashPassword } = await loadSnippet();
const nonBlocking = await worstStall(async () => {
  const hashes = [];
  for (const p of passwords) hashes.push(await hashPassword(p, "salt", ITERATIONS));
  return hashes;
});
assert.deepEqual(nonBlocking.hashes, blocking.hashes);
assert.ok(blocking.worst >= blocking.elapsed * 0.8, JSON.stringify(blocking)); // stalled for the whole hashing
assert.ok(nonBlocking.worst * 3 < blocking.worst, JSON.stringify({ blocking, nonBlocking }));
record({ blocking_worst_stall_ms: Math.round(blocking.worst), async_worst_stall_ms: Math.round(nonBlocking.worst) });
