// A Map remembers insertion order: delete-and-set on every hit moves a key to the end, so the
// first key is always the least recently used one to evict. Bound by entries and by age.
export class LruCache {
  constructor({ maxEntries = 1000, ttlMs = Infinity, now = () => Date.now() } = {}) {
    this.maxEntries = maxEntries;
    this.ttlMs = ttlMs;
    this.now = now;
    this.map = new Map();
  }

  get(key) {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    this.map.delete(key);
    if (this.now() - hit.at > this.ttlMs) return undefined;
    this.map.set(key, hit);
    return hit.value;
  }

  set(key, value) {
    this.map.delete(key);
    this.map.set(key, { value, at: this.now() });
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value);
  }

  get size() {
    return this.map.size;
  }
}

// Memoize an async function (one call per key at a time) behind a bounded cache.
export function memoize(fn, cache = new LruCache()) {
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}
