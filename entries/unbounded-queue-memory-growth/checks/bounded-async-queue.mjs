// A producer 10x faster than its consumer: an array used as the queue grows to every item
// produced; the bounded queue never holds more than its capacity and delivers all in order.
import assert from "node:assert/strict";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const ITEMS = 200;
async function pipeline(put, take, size) {
  let peak = 0;
  const received = [];
  const producer = (async () => {
    for (let i = 0; i < ITEMS; i++) {
      await put(i);
      peak = Math.max(peak, size());
      if (i % 10 === 0) await sleep(0);
    }
  })();
  const consumer = (async () => {
    while (received.length < ITEMS) {
      received.push(await take());
      await sleep(1);
    }
  })();
  await Promise.all([producer, consumer]);
  return { peak, received };
}

const array = [];
const unbounded = await pipeline(
  async (x) => array.push(x),
  async () => { while (!array.length) await sleep(0); return array.shift(); },
  () => array.length,
);
const { BoundedQueue } = await loadSnippet();
const queue = new BoundedQueue(10);
const bounded = await pipeline((x) => queue.put(x), () => queue.take(), () => queue.size);
assert.ok(unbounded.peak > 100, String(unbounded.peak));
assert.ok(bounded.peak <= 10, String(bounded.peak));
assert.deepEqual(bounded.received, [...Array(ITEMS).keys()]);
record({ unbounded_peak: unbounded.peak, bounded_peak: bounded.peak });
