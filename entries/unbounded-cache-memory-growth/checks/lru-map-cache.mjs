// 20,000 distinct request keys: a plain Map cache keeps all of them, the LRU keeps 500, keeps the
// hot key, and drops entries older than their TTL.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const { LruCache, memoize } = await loadSnippet();
const plain = new Map();
const lru = new LruCache({ maxEntries: 500 });
const render = (key) => `page for ${key}`.repeat(20);
for (let i = 0; i < 20_000; i++) {
  const key = `/search?q=${i}`;
  if (!plain.has(key)) plain.set(key, render(key));
  if (lru.get(key) === undefined) lru.set(key, render(key));
  lru.get("/search?q=0") ?? lru.set("/search?q=0", render("/search?q=0")); // a hot key
}
assert.equal(plain.size, 20_000);
assert.ok(lru.size <= 500, lru.size);
assert.equal(lru.get("/search?q=0"), render("/search?q=0"));
assert.equal(lru.get("/search?q=1"), undefined); // long evicted
let clock = 0;
const aging = new LruCache({ maxEntries: 10, ttlMs: 1000, now: () => clock });
aging.set("k", 1);
clock = 999;
assert.equal(aging.get("k"), 1);
clock = 2500;
assert.equal(aging.get("k"), undefined);
let calls = 0;
const cached = memoize((key) => { calls += 1; return key * 2; }, new LruCache({ maxEntries: 2 }));
assert.deepEqual([cached(1), cached(1), cached(2), cached(3), cached(1)], [2, 2, 4, 6, 2]);
assert.equal(calls, 4);
record({ plain_map_entries: plain.size, lru_entries: lru.size });
