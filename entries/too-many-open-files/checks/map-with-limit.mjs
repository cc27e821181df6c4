// 600 files under a 256-descriptor limit: opening them all at once fails with EMFILE; the
// snippet reads them all with at most 32 open.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { loadSnippet, record } from "./errata_check.mjs";

mkdirSync("/tmp/files");
const paths = Array.from({ length: 600 }, (_, i) => `/tmp/files/${i}.txt`);
paths.forEach((p, i) => writeFileSync(p, String(i)));
let openNow = 0;
let peak = 0;
async function readOne(path) {
  const handle = await open(path);
  peak = Math.max(peak, ++openNow);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return (await handle.readFile("utf8")).length;
  } finally {
    openNow--;
    await handle.close();
  }
}
const naive = await Promise.allSettled(paths.map(readOne));
const emfile = naive.filter((o) => o.status === "rejected" && o.reason.code === "EMFILE").length;
assert.ok(emfile > 0, "opening 600 files at once should hit EMFILE");

const { mapWithLimit } = await loadSnippet();
peak = 0;
const sizes = await mapWithLimit(paths, 32, readOne);
assert.equal(sizes.length, 600);
assert.equal(sizes.reduce((a, b) => a + b, 0), paths.reduce((n, _, i) => n + String(i).length, 0));
assert.ok(peak <= 32, String(peak));
record({ emfile_errors_unbounded: emfile, peak_open_limited: peak });
