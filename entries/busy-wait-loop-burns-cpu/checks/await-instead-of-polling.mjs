// A setImmediate poll loop burns about one core while it waits and a synchronous while (!ready)
// never ends; awaiting the snippet's Gate, an event or AsyncQueue.take uses almost no CPU.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { loadSnippet, record } from "./errata_check.mjs";

const { Gate, whenEmitted, AsyncQueue, consume, STOP } = await loadSnippet();
const WAIT_MS = 300;

// CPU milliseconds (user + system) of this process, and wall milliseconds, spent in wait().
async function cpuOf(wait) {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await wait();
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1000, wall: performance.now() - wall0 };
}

// The largest CPU/wall of up to `attempts` runs of a polling wait. A poll loop takes about one
// core when it has one to itself; a host busy with other checks can take the core away for a
// whole run, so up to `attempts` runs get a chance to show it.
async function busiest(measure, attempts = 3, enough = 0.2) {
  let best = { cpu: 0, wall: 1 };
  for (let i = 0; i < attempts; i++) {
    const run = await measure();
    if (run.cpu / run.wall > best.cpu / best.wall) best = run;
    if (run.cpu >= enough * run.wall) break;
  }
  return best;
}

// All sandboxed checks share one CPU, so ask for a generous floor: 5% of the wall time, and 20
// times the CPU of the awaiting version.
function assertSpins(spin, blocked) {
  assert.ok(spin.cpu >= 0.05 * spin.wall && spin.cpu >= 20 * blocked.cpu, JSON.stringify({ spin, blocked }));
}

// 1. WRONG: poll a flag with setImmediate (bounded, so the check cannot hang).
const polled = await busiest(async () => {
  let ready = false;
  setTimeout(() => { ready = true; }, WAIT_MS);
  const run = await cpuOf(() => new Promise((resolve) => {
    const deadline = performance.now() + 5000;
    const poll = () => (ready || performance.now() > deadline ? resolve() : setImmediate(poll));
    poll();
  }));
  assert.ok(ready && run.wall >= WAIT_MS * 0.9, JSON.stringify(run));
  return run;
});

// The fix: await the Gate that the setter opens.
const gate = new Gate();
setTimeout(() => gate.open("ready"), WAIT_MS);
let value;
const awaited = await cpuOf(async () => { value = await gate.opened; });
assert.equal(value, "ready");
assert.ok(gate.isOpen && awaited.wall >= WAIT_MS * 0.9, JSON.stringify(awaited));
assert.ok(awaited.cpu <= 0.1 * awaited.wall, JSON.stringify(awaited));
assertSpins(polled, awaited);

// An emitter's event, and its timeout.
const server = new EventEmitter();
setTimeout(() => server.emit("listening", 8080), 50);
assert.equal(await whenEmitted(server, "listening", { timeoutMs: 5000 }), 8080);
await assert.rejects(whenEmitted(server, "never", { timeoutMs: 50 }), { name: "AbortError" });

// 2. A synchronous spin never sees the flag: the timer that sets it cannot run (child, bounded).
const spin = spawnSync(process.execPath, ["-e", `
  let ready = false;
  setTimeout(() => { ready = true; }, 50);
  const t0 = Date.now();
  while (!ready) { if (Date.now() - t0 > 1000) { console.log("still waiting after 1000 ms"); process.exit(3); } }
  console.log("ready");
`], { encoding: "utf8", timeout: 10000 });
assert.equal(spin.status, 3, spin.stderr);
assert.equal(spin.stdout.trim(), "still waiting after 1000 ms");

// 3. A consumer polling queue.length vs AsyncQueue.take, while the producer is slow.
const ITEMS = 3;
const got = { awaited: [] };
const produce = (push) => {
  for (let i = 0; i < ITEMS; i++) setTimeout(() => push(i), ((i + 1) * WAIT_MS) / ITEMS);
  setTimeout(() => push(STOP), WAIT_MS + 20);
};
const qPolled = await busiest(async () => {
  const arr = [];
  const polledItems = [];
  produce((item) => arr.push(item));
  const run = await cpuOf(() => new Promise((resolve) => {
    const deadline = performance.now() + 5000;
    const poll = () => {
      while (arr.length) {
        const item = arr.shift();
        if (item === STOP) return resolve();
        polledItems.push(item);
      }
      if (performance.now() > deadline) return resolve();
      setImmediate(poll);
    };
    poll();
  }));
  assert.deepEqual(polledItems, [0, 1, 2]);
  return run;
});
const queue = new AsyncQueue();
produce((item) => queue.push(item));
let handled;
const qAwaited = await cpuOf(async () => {
  handled = await consume(queue, (item) => { got.awaited.push(item); });
});
assert.deepEqual(got.awaited, [0, 1, 2]);
assert.equal(handled, ITEMS);
assert.ok(qAwaited.cpu <= 0.1 * qAwaited.wall, JSON.stringify(qAwaited));
assertSpins(qPolled, qAwaited);

record({
  poll_cpu_per_wall: +(polled.cpu / polled.wall).toFixed(2),
  await_cpu_per_wall: +(awaited.cpu / awaited.wall).toFixed(3),
  sync_spin: spin.stdout.trim(),
  queue_poll_cpu_per_wall: +(qPolled.cpu / qPolled.wall).toFixed(2),
  queue_await_cpu_per_wall: +(qAwaited.cpu / qAwaited.wall).toFixed(3),
});
