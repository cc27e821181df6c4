// JavaScript numbers are binary floats: 0.1 + 0.2 === 0.30000000000000004 and
// (1.005).toFixed(2) === "1.00". Keep money as integer cents (BigInt for very large sums),
// parse decimal strings without going through a float, round once, format at the edge.

export function toCents(text) {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  if (!match) throw new TypeError(`not an amount with at most 2 decimals: ${text}`);
  const [, sign, whole, fraction = ""] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(cents)) throw new RangeError("amount too large: use BigInt cents");
  return sign ? -cents : cents;
}

// cents * rate with the rate as an exact decimal string ("1.0825"): half-up, in integers.
export function applyRate(cents, rate) {
  const [whole, fraction = ""] = rate.split(".");
  const scale = 10n ** BigInt(fraction.length);
  const product = BigInt(cents) * BigInt(whole + fraction);
  const rounded = (2n * product + scale) / (2n * scale); // half up for non-negative amounts
  return Number(rounded);
}

export function allocate(cents, parts) {
  const base = Math.floor(cents / parts), rest = cents - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < rest ? 1 : 0));
}

export const formatCents = (cents, currency = "USD", locale = "en-US") =>
  new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
