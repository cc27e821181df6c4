// Node.js dies at V8's heap limit, before any container limit, when one step holds the whole
// input: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory".
// WRONG: const rows = readFileSync(path, "utf8").split("\n").map(parse);   // all at once
// Stream the file line by line so memory stays flat; then, if the process really needs more,
// raise V8's limit to the measured peak, below the container's: NODE_OPTIONS=--max-old-space-size=MiB.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { getHeapStatistics } from "node:v8";

// Sums the `value` column per `key` column of a CSV file with a header line, one line at a time.
export async function totalsByKey(path, key, value) {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  const totals = new Map();
  let columns = null;
  for await (const line of lines) {
    if (!line) continue;
    const cells = line.split(",");
    if (columns === null) {
      columns = [cells.indexOf(key), cells.indexOf(value)];
      if (columns.includes(-1)) throw new Error(`no column ${key} or ${value} in ${path}`);
      continue;
    }
    const [k, v] = [cells[columns[0]], Number(cells[columns[1]])];
    totals.set(k, (totals.get(k) ?? 0) + v);
  }
  return Object.fromEntries(totals);
}

// V8's heap limit (set by --max-old-space-size) and this process's memory now, in MiB: log
// them next to the container's limit to see which one a growing step will reach first.
export function memoryFigures() {
  const mib = (bytes) => Math.round(bytes / 2 ** 20);
  const { rss, heapUsed } = process.memoryUsage();
  return { heapLimitMiB: mib(getHeapStatistics().heap_size_limit), heapUsedMiB: mib(heapUsed), rssMiB: mib(rss) };
}
