// Exponential backoff with full jitter: sleep a random time in [0, min(cap, base * 2^attempt)],
// so clients that failed together spread out instead of retrying in waves.
export function fullJitter(attempt, baseMs = 100, capMs = 20_000, random = Math.random) {
  return random() * Math.min(capMs, baseMs * 2 ** attempt);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function retry(fn, { attempts = 6, baseMs = 100, capMs = 20_000, isRetryable = () => true } = {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt + 1 >= attempts || !isRetryable(error)) throw error;
      await sleep(fullJitter(attempt, baseMs, capMs));
    }
  }
}
