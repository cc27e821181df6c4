// 200 clients fail at once: without jitter each retry wave lands in one 100 ms slot; with full
// jitter the busiest slot holds a small share. retry() gives up after its attempts.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const { fullJitter, retry } = await loadSnippet();
const busiestSlot = (delays) => {
  const slots = new Map();
  for (const d of delays) slots.set(Math.floor(d / 100), (slots.get(Math.floor(d / 100)) ?? 0) + 1);
  return Math.max(...slots.values());
};
const clients = [...Array(200).keys()];
const noJitter = clients.map(() => Math.min(20_000, 100 * 2 ** 4));
const jittered = clients.map(() => fullJitter(4, 100, 20_000));
assert.equal(busiestSlot(noJitter), 200);
assert.ok(busiestSlot(jittered) <= 40, busiestSlot(jittered));
assert.ok(jittered.every((d) => d >= 0 && d <= 1600));
let calls = 0;
const flaky = async () => { calls += 1; if (calls < 3) throw new Error("503"); return "ok"; };
assert.equal(await retry(flaky, { baseMs: 1, capMs: 5 }), "ok");
let tries = 0;
await assert.rejects(retry(async () => { tries += 1; throw new Error("down"); }, { attempts: 4, baseMs: 1 }), /down/);
assert.equal(tries, 4);
record({ busiest_slot_no_jitter: busiestSlot(noJitter), busiest_slot_full_jitter: busiestSlot(jittered) });
