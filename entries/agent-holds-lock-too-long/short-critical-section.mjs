// Holding a lock across a slow await (an LLM call, an HTTP request) serializes every agent
// behind it. Take a snapshot under the lock, do the slow work with no lock held, then take the
// lock again only to apply the result, checking the state did not change meanwhile.
export class Mutex {
  #tail = Promise.resolve();

  async run(critical) {
    const previous = this.#tail;
    let release;
    this.#tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await critical();
    } finally {
      release();
    }
  }
}

export async function updateWithShortLock(mutex, store, key, slowCompute, attempts = 5) {
  for (let i = 0; i < attempts; i++) {
    const { value, version } = await mutex.run(() => ({ ...store.get(key) }));
    const next = await slowCompute(value); // no lock held here
    const applied = await mutex.run(() => {
      if (store.get(key).version !== version) return false; // changed meanwhile: recompute
      store.set(key, { value: next, version: version + 1 });
      return true;
    });
    if (applied) return next;
  }
  throw new Error(`${key}: kept changing during ${attempts} attempts`);
}
