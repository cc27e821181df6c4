// Data nested deeper than the stack (a 100,000-node linked list, a deep tree from a parser or a
// planner) cannot go through code that recurses once per level: structuredClone and postMessage,
// JSON.stringify up to Node 20, a recursive walk of your own: RangeError: Maximum call stack
// size exceeded.
// WRONG:  let head = null; for (const v of values) head = { value: v, children: head ? [head] : [] };
//         structuredClone(head)     // RangeError: Maximum call stack size exceeded
// RIGHT:  flatten the node to rows with a loop (toJSON, so JSON.stringify uses it too), send or
//         clone the rows, rebuild with a loop, and walk the data with an explicit stack.
//         node --stack-size only moves the limit, and past the real thread stack it segfaults.

export class TreeNode {
  constructor(value, children = []) {
    this.value = value;
    this.children = [...children];
  }

  /** JSON.stringify calls this: [value, parent row or -1] rows, parents first, in preorder. */
  toJSON() {
    const rows = [];
    const stack = [[this, -1]];
    while (stack.length > 0) {
      const [node, parent] = stack.pop();
      rows.push([node.value, parent]);
      const here = rows.length - 1;
      for (let i = node.children.length - 1; i >= 0; i -= 1) stack.push([node.children[i], here]);
    }
    return rows;
  }

  /** The tree toJSON flattened, from JSON.parse's result. */
  static fromRows(rows) {
    const nodes = [];
    for (const [value, parent] of rows) {
      const node = new TreeNode(value);
      nodes.push(node);
      if (parent >= 0) nodes[parent].children.push(node);
    }
    return nodes[0];
  }
}

/** The number of levels below and including `root`, with an explicit stack. */
export function depthOf(root) {
  let deepest = 0;
  const stack = [[root, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop();
    if (level > deepest) deepest = level;
    for (const child of node.children) stack.push([child, level + 1]);
  }
  return deepest;
}
