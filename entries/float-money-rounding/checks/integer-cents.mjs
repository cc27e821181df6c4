// Floats drift (0.1 + 0.2, a sum of prices) and toFixed rounds 1.005 down; integer cents stay
// exact, rates round half up, and shares add up to the total.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

assert.equal(0.1 + 0.2, 0.30000000000000004);
assert.equal((1.005).toFixed(2), "1.00");
const prices = Array(25).fill(["19.99", "5.01", "0.10", "0.20"]).flat();
const floatTotal = prices.reduce((sum, p) => sum + Number(p), 0);
assert.notEqual(floatTotal, 632.5);
assert.equal(Math.round(1.005 * 100) / 100, 1); // the usual "fix" is wrong too

const { toCents, applyRate, allocate, formatCents } = await loadSnippet();
const cents = prices.reduce((sum, p) => sum + toCents(p), 0);
assert.equal(cents, 63250);
assert.equal(applyRate(toCents("1.00"), "1.005"), 101); // 1.005 -> 1.01, where toFixed said 1.00
assert.equal(applyRate(toCents("19.99"), "1.0825"), 2164); // 21.639175 -> 21.64
assert.deepEqual(allocate(toCents("100.00"), 3), [3334, 3333, 3333]);
assert.equal(allocate(10000, 3).reduce((a, b) => a + b, 0), 10000);
assert.equal(formatCents(cents), "$632.50");
assert.throws(() => toCents("1.005"), TypeError);
record({ float_total: String(floatTotal), to_fixed_1_005: (1.005).toFixed(2), cents_total: cents });
