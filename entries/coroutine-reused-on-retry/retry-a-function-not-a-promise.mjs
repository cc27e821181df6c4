// WRONG: async function retry(promise, attempts = 3) {
//          for (let i = 0; i < attempts; i++) { try { return await promise; } catch {} }
//        }
//        await retry(openai.chat.completions.create(request));
//   -> one request only: a settled promise gives the same rejection on every await, so every
//      "retry" fails at once with the first error (JavaScript's form of Python's
//      "cannot reuse already awaited coroutine").

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// makeCall is a function: each attempt starts a new request.
export async function retry(makeCall, { attempts = 3, baseDelayMs = 500, shouldRetry = () => true } = {}) {
  if (typeof makeCall !== "function") throw new TypeError("retry() needs a function that starts the call, not a promise");
  for (let attempt = 1; ; attempt++) {
    try {
      return await makeCall();
    } catch (error) {
      if (attempt >= attempts || !shouldRetry(error)) throw error;
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1)); // full jitter
    }
  }
}
// Usage: await retry(() => openai.chat.completions.create(request));
