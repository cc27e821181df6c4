// A 100,000-deep chain of plain objects makes structuredClone and a recursive depth function (and
// JSON.stringify up to Node 20) throw RangeError: Maximum call stack size exceeded; the snippet's
// TreeNode stringifies and clones the same chain (and a branching tree) as rows, rebuilds it with
// its shape, and depthOf measures it.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

const LENGTH = 100_000;
let plain = { value: LENGTH - 1, children: [] };
for (let v = LENGTH - 2; v >= 0; v -= 1) plain = { value: v, children: [plain] };
const naiveDepth = (node) => 1 + Math.max(0, ...node.children.map(naiveDepth));

const messages = {};
for (const [name, action] of [
  ["stringify", () => JSON.stringify(plain)],
  ["structuredClone", () => structuredClone(plain)],
  ["depth", () => naiveDepth(plain)],
]) {
  try {
    action();
    messages[name] = "no error";  // JSON.stringify is no longer recursive in newer V8 (Node 26)
  } catch (error) {
    assert.ok(error instanceof RangeError, `${name}: ${error}`);
    assert.match(error.message, /Maximum call stack size exceeded/);
    messages[name] = `${error.name}: ${error.message}`;
  }
}

const { TreeNode, depthOf } = await loadSnippet();
let head = new TreeNode(LENGTH - 1);
for (let v = LENGTH - 2; v >= 0; v -= 1) head = new TreeNode(v, [head]);
const started = performance.now();
const text = JSON.stringify(head);
const back = TreeNode.fromRows(JSON.parse(text));
const roundTripMs = Math.round(performance.now() - started);
assert.ok(back instanceof TreeNode && back !== head);
assert.equal(depthOf(back), LENGTH);
assert.ok(messages.structuredClone.startsWith("RangeError") && messages.depth.startsWith("RangeError"));
const cloned = TreeNode.fromRows(structuredClone(head.toJSON()));
assert.equal(depthOf(cloned), LENGTH);
assert.deepEqual(back.toJSON().map(([value]) => value), Array.from({ length: LENGTH }, (_, i) => i));

const tree = new TreeNode("root", [new TreeNode("a", [new TreeNode("a1"), new TreeNode("a2")]), new TreeNode("b")]);
const rows = [["root", -1], ["a", 0], ["a1", 1], ["a2", 1], ["b", 0]];
assert.deepEqual(JSON.parse(JSON.stringify(tree)), rows);
assert.deepEqual(TreeNode.fromRows(JSON.parse(JSON.stringify({ tree })).tree).toJSON(), rows);
assert.equal(depthOf(tree), 3);
record({ length: LENGTH, json_bytes: text.length, round_trip_ms: roundTripMs, messages });
