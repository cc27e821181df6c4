// Promise.all gives one error and no results; a fire-and-forget rejection reaches
// 'unhandledRejection' (which crashes Node by default). runAll returns every result and every
// error; Background reports the failure to its owner and nothing goes unhandled.
import assert from "node:assert/strict";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
const tasks = [
  async () => { await sleep(5); return "a"; },
  async () => { throw new Error("tool b failed"); },
  async () => { await sleep(10); return "c"; },
];
await assert.rejects(Promise.all(tasks.map((t) => t())), /tool b failed/);
const send = async () => { throw new Error("webhook down"); };
send(); // fire and forget
await sleep(20);
assert.deepEqual(unhandled, ["Error: webhook down"]);

const { runAll, Background } = await loadSnippet();
const { results, errors } = await runAll(tasks);
assert.deepEqual(results, ["a", "c"]);
assert.equal(errors.length, 1);
assert.equal(errors[0].index, 1);
const reported = [];
const background = new Background((error) => reported.push(error.message));
background.start(send);
background.start(async () => { await sleep(5); });
await background.drain();
await sleep(20);
assert.deepEqual(reported, ["webhook down"]);
assert.equal(unhandled.length, 1); // nothing new went unhandled
record({ results: results.length, errors: errors.length, unhandled_fire_and_forget: 1, unhandled_fixed: unhandled.length - 1 });
