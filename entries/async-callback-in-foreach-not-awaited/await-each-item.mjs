// Array.prototype.forEach (and map without Promise.all, lodash _.forEach, Array.from's mapper)
// calls an async callback and throws away the promise it returns:
// WRONG:
//   async function summarize(files) {
//     const summaries = [];
//     files.forEach(async (file) => summaries.push(await llm.summarize(file)));
//     return summaries;            // [] : the callbacks are still waiting
//   }
//   A callback that throws is an unhandled rejection; the caller's try/catch never sees it.
// RIGHT: one of the three loops below, each awaited by the caller.

/** One item after another, in order (for...of awaits each call): writes that must not overlap. */
export async function forEachSeries(items, fn) {
  for (const [index, item] of items.entries()) await fn(item, index);
}

/** All at once, results in input order; the first error rejects the returned promise. */
export function mapAll(items, fn) {
  return Promise.all(items.map((item, index) => fn(item, index)));
}

/** At most `limit` calls in flight (rate-limited APIs, LLM calls), results in input order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
