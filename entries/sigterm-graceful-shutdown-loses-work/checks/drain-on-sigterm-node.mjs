// A worker process takes 5 jobs of 600 ms each and writes a line per finished job; it gets
// SIGTERM once all 5 have started. Without a handler it dies with none finished; with
// drainOnSigterm all 5 finish, no new job starts, and it exits 0.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

await loadSnippet(); // the snippet must at least load here; the workers import it themselves
const worker = (handled) => `
  import { appendFileSync } from "node:fs";
  import { drainOnSigterm } from "/tmp/snippet.mjs";
  const inFlight = new Set();
  let accepting = true;
  const job = (i) => new Promise((resolve) => setTimeout(() => {
    appendFileSync("/tmp/done-${handled}", i + "\\n"); resolve();
  }, 600));
  ${handled ? "drainOnSigterm({ inFlight, stopAccepting: () => { accepting = false; } });" : ""}
  for (let i = 0; i < 5; i++) { const p = job(i); inFlight.add(p); p.then(() => inFlight.delete(p)); }
  console.log("started");
  setTimeout(() => { if (accepting) appendFileSync("/tmp/done-${handled}", "late\\n"); }, 400);
`;
async function run(handled) {
  writeFileSync(`/tmp/done-${handled}`, "");
  writeFileSync(`/tmp/worker-${handled}.mjs`, worker(handled));
  const child = spawn(process.execPath, [`/tmp/worker-${handled}.mjs`], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  child.kill("SIGTERM");
  const [code, signal] = await new Promise((resolve) => child.once("exit", (c, s) => resolve([c, s])));
  const { readFileSync } = await import("node:fs");
  const done = readFileSync(`/tmp/done-${handled}`, "utf8").split("\n").filter(Boolean);
  return { code, signal, done };
}
const lost = await run(false);
assert.equal(lost.signal, "SIGTERM");
assert.deepEqual(lost.done, []);
const drained = await run(true);
assert.equal(drained.code, 0);
assert.deepEqual(drained.done.sort(), ["0", "1", "2", "3", "4"]);
record({ finished_without_handler: lost.done.length, finished_with_drain: drained.done.length });
