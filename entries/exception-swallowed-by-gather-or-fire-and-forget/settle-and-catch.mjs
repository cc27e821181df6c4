// Promise.all rejects on the first failure and drops the other outcomes; a promise started and
// never awaited ("fire and forget") rejects into nowhere, and Node >= 15 then crashes the whole
// process (ERR_UNHANDLED_REJECTION). Collect every outcome with allSettled, and give every
// background task an owner that catches and reports its error.
export async function runAll(tasks) {
  const outcomes = await Promise.allSettled(tasks.map((task) => task()));
  const results = [];
  const errors = [];
  outcomes.forEach((o, i) => (o.status === "fulfilled" ? results.push(o.value) : errors.push({ index: i, error: o.reason })));
  return { results, errors };
}

export class Background {
  constructor(onError) {
    this.onError = onError;
    this.running = new Set();
  }

  start(task) {
    const promise = Promise.resolve()
      .then(task)
      .catch((error) => this.onError(error))
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
    return promise;
  }

  async drain() {
    while (this.running.size) await Promise.all(this.running);
  }
}
