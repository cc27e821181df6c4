// forEach(async ...) returns before any result and its rejection escapes the caller's try/catch
// as an unhandled rejection; the snippet's loops return every result in order, pass the error
// to the caller, and mapLimit never runs more than its limit at once.
import assert from "node:assert/strict";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
let inFlight = 0;
let peak = 0;
async function summarize(file) {
  inFlight++;
  peak = Math.max(peak, inFlight);
  await sleep(file.length * 3);
  inFlight--;
  if (file === "bad.txt") throw new Error(`cannot read ${file}`);
  return `summary of ${file}`;
}
const files = ["readme.md", "a.py", "changelog.md", "b.js"];

async function wrongSummarize(list) {
  const summaries = [];
  list.forEach(async (file) => summaries.push(await summarize(file)));
  return summaries;
}
const early = await wrongSummarize(files);
assert.deepEqual(early, []); // returned before a single summary
await sleep(60);
assert.equal(early.length, 4); // filled in later, behind the caller's back, in completion order
assert.notDeepEqual(early, files.map((f) => `summary of ${f}`));
let caught = null;
try {
  await wrongSummarize(["a.py", "bad.txt"]);
} catch (error) {
  caught = error;
}
await sleep(60);
assert.equal(caught, null);
assert.deepEqual(unhandled, ["Error: cannot read bad.txt"]);

unhandled.length = 0;
const { forEachSeries, mapAll, mapLimit } = await loadSnippet();
const expected = files.map((f) => `summary of ${f}`);
assert.deepEqual(await mapAll(files, summarize), expected);
peak = 0;
assert.deepEqual(await mapLimit([...files, ...files], 2, summarize), [...expected, ...expected]);
assert.equal(peak, 2);
peak = 0;
const seen = [];
await forEachSeries(files, async (file) => seen.push(await summarize(file)));
assert.deepEqual(seen, expected);
assert.equal(peak, 1);
await assert.rejects(mapLimit(["a.py", "bad.txt"], 2, summarize), /cannot read bad.txt/);
await assert.rejects(mapAll(["bad.txt"], summarize), /cannot read bad.txt/);
await assert.rejects(forEachSeries(["bad.txt"], summarize), /cannot read bad.txt/);
await sleep(20);
assert.deepEqual(unhandled, []);
record({ wrong_returned: 0, fixed_returned: expected.length, peak_with_limit_2: 2 });
