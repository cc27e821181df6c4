// Promise.all(files.map(open...)) opens every file at once: past the process's descriptor
// limit (ulimit -n; 256 here, often 1024) opens fail with EMFILE: too many open files. Run at
// most `limit` at a time, and close each handle in finally.
export async function mapWithLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
