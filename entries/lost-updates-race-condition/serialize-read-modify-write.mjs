// Node has one thread, but every await is a point where other requests run: `const n = await
// read(); await write(n + 1)` from two requests reads the same n, and one increment is lost.
// Make the read-modify-write one step: serialize it per key (or use an atomic update in the
// store: UPDATE ... SET n = n + 1, Redis INCR, a version check).
const chains = new Map();

export function withKeyLock(key, critical) {
  const previous = chains.get(key) ?? Promise.resolve();
  const result = previous.then(critical, critical);
  const tail = result.catch(() => {});
  chains.set(key, tail);
  tail.then(() => { if (chains.get(key) === tail) chains.delete(key); });
  return result;
}

export async function increment(store, key, by = 1) {
  return withKeyLock(key, async () => {
    const current = await store.get(key);
    await store.set(key, current + by);
    return current + by;
  });
}
