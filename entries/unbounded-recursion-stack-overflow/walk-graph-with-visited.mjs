// A recursive walk (a serializer, deep clone, hasBinary, toString, a resolver of imports) that
// follows every reference never ends on a graph with a cycle: a node that points to its parent, a
// player that holds its socket whose owner is the player, a file that imports itself.
// WRONG:  function hasBinary(value) { ... for (const key in value) if (hasBinary(value[key])) ... }
//   RangeError: Maximum call stack size exceeded
//       at hasBinary (...)   <- the same one or two frames, repeated to the stack's limit
// Very deep but acyclic data (a 100,000-long linked list) overflows the same way.
// RIGHT: remember what was visited (WeakSet / WeakMap), and walk with an explicit stack.
// When the walker is a library's (socket.emit, a deep clone, a logger), pass it plain data
// (ids, names, the fields needed), not live objects that point back at each other.

const isBinary = (value) => ArrayBuffer.isView(value) || value instanceof ArrayBuffer;

/** Whether any value reachable from `root` is binary; each object is visited once, no recursion. */
export function containsBinary(root) {
  const seen = new WeakSet();
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (isBinary(value)) return true;
    if (seen.has(value)) continue; // a cycle or a shared object: already walked
    seen.add(value);
    for (const child of Object.values(value)) stack.push(child);
  }
  return false;
}

/** A deep copy of plain objects and arrays that keeps cycles and shared objects (one copy each). */
export function cloneGraph(root) {
  const copies = new WeakMap();
  const copyOf = (value) => {
    if (value === null || typeof value !== "object") return value;
    if (!copies.has(value)) copies.set(value, Array.isArray(value) ? [] : {});
    return copies.get(value);
  };
  const rootCopy = copyOf(root);
  const pending = root !== null && typeof root === "object" ? [root] : [];
  const filled = new WeakSet();
  while (pending.length > 0) {
    const original = pending.pop();
    if (filled.has(original)) continue;
    filled.add(original);
    const copy = copies.get(original);
    for (const [key, child] of Object.entries(original)) {
      copy[key] = copyOf(child);
      if (child !== null && typeof child === "object" && !filled.has(child)) pending.push(child);
    }
  }
  return rootCopy;
}
