// With a million elements, Math.max(...a), Math.min.apply, push(...a) and
// String.fromCharCode(...bytes) throw "RangeError: Maximum call stack size exceeded"; the
// snippet's helpers give the same answers as the spread forms on small inputs and work on large ones.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const N = 1_000_000;
const scores = Float64Array.from({ length: N }, (_, i) => ((i * 7919) % N) / 10);
const values = Array.from(scores);
const bytes = Uint8Array.from({ length: N }, (_, i) => (i * 31) % 256);
const overflow = { name: "RangeError", message: "Maximum call stack size exceeded" };
assert.throws(() => Math.max(...values), overflow);
assert.throws(() => Math.min.apply(null, values), overflow);
assert.throws(() => [].push(...values), overflow);
assert.throws(() => String.fromCharCode(...bytes), overflow);

const { maxOf, minOf, pushAll, fromCharCodes } = await loadSnippet();
assert.equal(maxOf(values), (N - 1) / 10);
assert.equal(minOf(scores), 0);
const all = [1, 2];
assert.equal(pushAll(all, values), N + 2);
assert.equal(all[2], values[0]);
assert.equal(all.at(-1), values.at(-1));
const binary = fromCharCodes(bytes);
assert.equal(binary.length, N);
assert.equal(Buffer.from(binary, "latin1").equals(Buffer.from(bytes)), true);

const small = [3, -1, 7.5, 2];
assert.equal(maxOf(small), Math.max(...small));
assert.equal(minOf(small), Math.min(...small));
assert.equal(maxOf([]), Math.max());
assert.equal(minOf([]), Math.min());
assert.ok(Number.isNaN(maxOf([1, NaN, 2])) && Number.isNaN(Math.max(1, NaN, 2)));
assert.equal(fromCharCodes([104, 105]), String.fromCharCode(104, 105));
record({ elements: N });
