// A fake API allows one request per 200 ms window and answers 429 with Retry-After otherwise.
// Retrying at once burns every attempt inside the window; the snippet waits and gets through.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

function fakeApi(windowMs) {
  let next = 0;
  let requests = 0;
  const call = async () => {
    requests += 1;
    const now = performance.now();
    if (now < next) {
      const headers = new Headers({ "retry-after-ms": String(Math.ceil(next - now)) });
      return { status: 429, headers };
    }
    next = now + windowMs;
    return { status: 200, headers: new Headers() };
  };
  return { call, requests: () => requests };
}

new Headers(); // load fetch's classes before timing anything
const { withRateLimitRetry, retryAfterMs, RateLimitError } = await loadSnippet();
const naive = fakeApi(200);
await naive.call();
let naiveStatus = 0;
for (let attempt = 0; attempt < 5 && naiveStatus !== 200; attempt++) naiveStatus = (await naive.call()).status;
assert.equal(naiveStatus, 429); // five immediate retries, all refused

const api = fakeApi(200);
await api.call();
const answer = await withRateLimitRetry(api.call);
assert.equal(answer.status, 200);
assert.ok(api.requests() <= 4, String(api.requests())); // the priming call, a 429, then through
assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
assert.equal(retryAfterMs(new Headers({ "retry-after": new Date(10_000).toUTCString() }), 4000), 6000);
const always = async () => ({ status: 429, headers: new Headers({ "retry-after-ms": "1" }) });
await assert.rejects(withRateLimitRetry(always, { attempts: 3 }), RateLimitError);
record({ naive_status_after_5_retries: naiveStatus, requests_with_retry_after: api.requests() });
