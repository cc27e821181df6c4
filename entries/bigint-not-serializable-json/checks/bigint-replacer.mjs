// A row with BigInt columns: JSON.stringify throws "Do not know how to serialize a BigInt" and
// Number() loses digits; the snippet writes exact strings or exact numbers, reads them back, and
// leaves BigInt.prototype alone.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const row = { id: 18446744073709551616n, small: 42n, name: "wallet", balance: 1.5, tags: [9007199254740993n] };
assert.throws(() => JSON.stringify(row), { name: "TypeError", message: "Do not know how to serialize a BigInt" });
assert.notEqual(String(Number(row.id)), row.id.toString()); // the lossy "fix"

const { stringifyBigInt, stringifyBigIntAsNumber, parseWithBigInt } = await loadSnippet();
assert.equal(stringifyBigInt(row),
  '{"id":"18446744073709551616","small":"42","name":"wallet","balance":1.5,"tags":["9007199254740993"]}');
const exact = stringifyBigIntAsNumber(row);
assert.equal(exact, '{"id":18446744073709551616,"small":42,"name":"wallet","balance":1.5,"tags":[9007199254740993]}');
const back = parseWithBigInt(exact);
assert.equal(back.id, 18446744073709551616n);
assert.equal(back.tags[0], 9007199254740993n);
assert.equal(back.small, 42); // safe integers stay numbers
assert.equal(back.balance, 1.5);
assert.equal(BigInt.prototype.toJSON, undefined); // nothing patched process-wide
assert.throws(() => JSON.stringify({ n: 1n }), /Do not know how to serialize a BigInt/);
record({ exact });
