// A naive recursive hasBinary and deep clone overflow the stack on a cyclic object (the same frame
// repeated) and on a 100,000-long chain; the snippet's containsBinary and cloneGraph finish, find
// the buffer behind the cycle, and keep cycles and shared objects in the copy.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

function naiveHasBinary(value) {
  if (value === null || typeof value !== "object") return false;
  if (ArrayBuffer.isView(value)) return true;
  for (const key of Object.keys(value)) if (naiveHasBinary(value[key])) return true;
  return false;
}
function naiveClone(value) {
  if (value === null || typeof value !== "object") return value;
  const copy = Array.isArray(value) ? [] : {};
  for (const key of Object.keys(value)) copy[key] = naiveClone(value[key]);
  return copy;
}

// A game player holding its socket, whose owner is the player again.
const player = { name: "ada", score: 3 };
player.socket = { id: "s1", owner: player, buffer: null };
const tagged = { player, avatar: { bytes: new Uint8Array([1, 2, 3]) } };
let chain = { value: 0, next: null };
for (let i = 1; i < 100_000; i += 1) chain = { value: i, next: chain };

Error.stackTraceLimit = 30;
const overflows = [];
for (const action of [() => naiveHasBinary(player), () => naiveClone(player), () => naiveHasBinary(chain)]) {
  try {
    action();
  } catch (error) {
    assert.equal(error.name, "RangeError");
    assert.equal(error.message, "Maximum call stack size exceeded");
    const frames = error.stack.split("\n").slice(1, 21).map((line) => line.trim().split(" (")[0]);
    assert.ok(new Set(frames).size <= 2, frames.join("\n")); // one or two frames, repeated
    overflows.push(frames[0]);
  }
}
assert.equal(overflows.length, 3);

const { containsBinary, cloneGraph } = await loadSnippet();
assert.equal(containsBinary(player), false);
assert.equal(containsBinary(tagged), true);
player.socket.buffer = new Uint8Array(4);
assert.equal(containsBinary(player), true);
player.socket.buffer = null;
assert.equal(containsBinary(chain), false);
assert.equal(containsBinary(null), false);

const copy = cloneGraph(player);
assert.notEqual(copy, player);
assert.equal(copy.socket.owner, copy); // the cycle is kept, inside the copy
assert.notEqual(copy.socket, player.socket);
assert.deepEqual([copy.name, copy.score, copy.socket.id], ["ada", 3, "s1"]);
const shared = { id: 7 };
const both = cloneGraph({ a: shared, b: [shared, 2] });
assert.equal(both.a, both.b[0]);
assert.notEqual(both.a, shared);
assert.deepEqual(both.b, [{ id: 7 }, 2]);
let node = cloneGraph(chain);
let length = 0;
for (; node; node = node.next) length += 1;
assert.equal(length, 100_000);
assert.equal(cloneGraph(5), 5);
record({ naive_overflows: overflows.length, chain_length: length });
