// Values typed BigInt (Prisma BigInt columns, pg int8 with BigInt parsing, viem/ethers amounts,
// Snowflake/Discord ids, 64-bit counters) reach JSON.stringify, res.json or a logger:
// WRONG:  res.json(row)   JSON.stringify({ id: 18446744073709551616n })
//   TypeError: Do not know how to serialize a BigInt
// Also wrong: Number(id) (silently loses digits past 2**53) and patching BigInt.prototype.toJSON
// for the whole process. Convert at the boundary, choosing what the reader can parse.

const asString = (key, value) => (typeof value === "bigint" ? value.toString() : value);
const asNumber = (key, value) => (typeof value === "bigint" ? JSON.rawJSON(value.toString()) : value);

/** JSON with every BigInt as a decimal string: safe for JavaScript readers (the usual API choice). */
export function stringifyBigInt(value, space) {
  return JSON.stringify(value, asString, space);
}

/** JSON with every BigInt as an exact JSON number (Node 21+ JSON.rawJSON), for readers with big integers. */
export function stringifyBigIntAsNumber(value, space) {
  return JSON.stringify(value, asNumber, space);
}

/** JSON.parse that gives back integers too large for a Number as BigInt, read from the source text. */
export function parseWithBigInt(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === "number" && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? "")
      ? BigInt(context.source)
      : value);
}
