// Two child processes under the same V8 heap limit (--max-old-space-size=32): the one that reads
// the whole CSV and builds an object per row dies with "JavaScript heap out of memory" (SIGABRT);
// the one that streams it line by line with totalsByKey finishes with the right totals.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const { totalsByKey, memoryFigures } = await loadSnippet();
const ROWS = 400_000;
const HEAP_MIB = 32;
const expected = {};
const lines = ["user,country,amount"];
for (let i = 0; i < ROWS; i++) {
  const country = `c${String(i % 23).padStart(2, "0")}`;
  lines.push(`u${i},${country},${i % 997}`);
  expected[country] = (expected[country] ?? 0) + (i % 997);
}
writeFileSync("/tmp/events.csv", lines.join("\n") + "\n");
lines.length = 0;

const wrong = `
  import { readFileSync } from "node:fs";
  const rows = readFileSync("/tmp/events.csv", "utf8").split("\\n").slice(1).filter(Boolean)
    .map((line) => { const [user, country, amount] = line.split(","); return { user, country, amount: Number(amount) }; });
  const totals = {};
  for (const row of rows) totals[row.country] = (totals[row.country] ?? 0) + row.amount;
  console.log(JSON.stringify(totals));
`;
const right = `
  import { totalsByKey } from "/tmp/snippet.mjs";
  console.log(JSON.stringify(await totalsByKey("/tmp/events.csv", "country", "amount")));
`;
async function run(name, source) {
  writeFileSync(`/tmp/${name}.mjs`, source);
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, `/tmp/${name}.mjs`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "", stderr = "";
  child.stdout.on("data", (d) => { stdout += d; });
  child.stderr.on("data", (d) => { stderr += d; });
  const [code, signal] = await new Promise((resolve) => child.once("close", (c, s) => resolve([c, s])));
  return { code, signal, stdout, stderr };
}

const died = await run("wrong", wrong);
assert.ok(died.stderr.includes("JavaScript heap out of memory"), died.stderr.slice(-500));
assert.ok(died.signal === "SIGABRT" || died.code === 134, `${died.code} ${died.signal}`);
assert.equal(died.stdout, "");
const streamed = await run("right", right);
assert.equal(streamed.code, 0, streamed.stderr);
assert.deepEqual(JSON.parse(streamed.stdout), expected);
assert.deepEqual(await totalsByKey("/tmp/events.csv", "country", "amount"), expected);
await assert.rejects(totalsByKey("/tmp/events.csv", "country", "price"), /no column/);
const figures = memoryFigures();
assert.ok(figures.heapLimitMiB > 0 && figures.rssMiB > 0, JSON.stringify(figures));
record({
  heap_limit_mib: HEAP_MIB,
  all_at_once: died.stderr.match(/FATAL ERROR: [^\n]*/)[0],
  all_at_once_signal: died.signal ?? `exit ${died.code}`,
  streamed_totals_match: true,
});
