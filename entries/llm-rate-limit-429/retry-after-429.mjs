// On HTTP 429, wait as long as the server says (Retry-After in seconds or as a date, or the
// x-ratelimit-reset-* headers), with jitter, for a bounded number of attempts; never hammer.
export class RateLimitError extends Error {
  constructor(status, headers) {
    super(`HTTP ${status}: rate limited`);
    this.status = status;
    this.headers = headers;
  }
}

export function retryAfterMs(headers, now = Date.now()) {
  const value = headers.get("retry-after-ms") ?? headers.get("retry-after");
  if (value == null) return null;
  if (headers.has("retry-after-ms")) return Number(value);
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRateLimitRetry(call, { attempts = 5, fallbackMs = 1000, maxWaitMs = 60_000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    const response = await call();
    if (response.status !== 429) return response;
    if (attempt >= attempts) throw new RateLimitError(response.status, response.headers);
    const told = retryAfterMs(response.headers) ?? fallbackMs * 2 ** (attempt - 1);
    await sleep(Math.min(maxWaitMs, told) * (1 + Math.random() * 0.1));
  }
}
