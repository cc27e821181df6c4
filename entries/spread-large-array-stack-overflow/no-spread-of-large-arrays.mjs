// Spreading an array into a call passes every element as an argument on the stack; past roughly
// 100,000 elements (engine and stack size dependent) V8 throws:
// WRONG:  Math.max(...scores)   all.push(...page.items)   String.fromCharCode(...bytes)
//         Math.min.apply(null, values)   Array.prototype.push.apply(all, rows)
//   RangeError: Maximum call stack size exceeded
// Works in tests with small data, fails in production with a large file, page or embedding set.
// RIGHT: loop, reduce, concat, or call in bounded chunks.

const CHUNK = 8192;

/** Math.max over an array of any length (-Infinity for an empty array, as Math.max() gives). */
export function maxOf(values) {
  let max = -Infinity;
  for (const value of values) if (value > max || Number.isNaN(value)) max = value;
  return max;
}

/** Math.min over an array of any length (Infinity for an empty array). */
export function minOf(values) {
  let min = Infinity;
  for (const value of values) if (value < min || Number.isNaN(value)) min = value;
  return min;
}

/** target.push(...items) for any number of items, in chunks; returns the new length. */
export function pushAll(target, items) {
  for (let start = 0; start < items.length; start += CHUNK) {
    target.push(...items.slice(start, start + CHUNK));
  }
  return target.length;
}

/** String.fromCharCode(...codes) for any number of codes (binary strings for btoa, decoders). */
export function fromCharCodes(codes) {
  const parts = [];
  for (let start = 0; start < codes.length; start += CHUNK) {
    parts.push(String.fromCharCode(...codes.subarray?.(start, start + CHUNK) ?? codes.slice(start, start + CHUNK)));
  }
  return parts.join("");
}
