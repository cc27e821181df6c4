// 100 concurrent increments through a store with async get/set (like a database or Redis
// client): the plain read-then-write ends far below 100; the snippet's increment ends at 100.
import assert from "node:assert/strict";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const makeStore = () => {
  const data = new Map([["views", 0]]);
  return {
    get: async (key) => { await sleep(Math.random() * 3); return data.get(key); },
    set: async (key, value) => { await sleep(Math.random() * 3); data.set(key, value); },
    peek: (key) => data.get(key),
  };
};
const racy = makeStore();
await Promise.all(Array.from({ length: 100 }, async () => {
  const current = await racy.get("views");
  await racy.set("views", current + 1);
}));
assert.ok(racy.peek("views") < 50, String(racy.peek("views")));

const { increment, withKeyLock } = await loadSnippet();
const store = makeStore();
await Promise.all(Array.from({ length: 100 }, () => increment(store, "views")));
const serializedFinal = store.peek("views");
assert.equal(serializedFinal, 100);
await assert.rejects(withKeyLock("views", async () => { throw new Error("boom"); }), /boom/);
assert.equal(await increment(store, "views"), 101); // a failed update does not jam the key
record({ racy_final: racy.peek("views"), serialized_final: serializedFinal });
