// Retrying one promise makes one request and fails three times with the same error; retrying
// a function makes a request per attempt and gets the answer on the third.
import assert from "node:assert/strict";
import { loadSnippet, record } from "./errata_check.mjs";

let requests = 0;
async function flakyCompletion() {
  requests += 1;
  if (requests < 3) throw new Error(`ECONNRESET (request ${requests})`);
  return "answer";
}

async function naiveRetry(promise, attempts = 3) {
  const errors = [];
  for (let i = 0; i < attempts; i++) {
    try { return await promise; } catch (error) { errors.push(error.message); }
  }
  return errors;
}
const naive = await naiveRetry(flakyCompletion());
assert.deepEqual(naive, ["ECONNRESET (request 1)", "ECONNRESET (request 1)", "ECONNRESET (request 1)"]);
assert.equal(requests, 1);

const { retry } = await loadSnippet();
requests = 0;
assert.equal(await retry(() => flakyCompletion(), { attempts: 3, baseDelayMs: 1 }), "answer");
assert.equal(requests, 3);
await assert.rejects(retry(flakyCompletion()), /needs a function/);
requests = -10;
await assert.rejects(retry(() => flakyCompletion(), { attempts: 2, baseDelayMs: 1 }), /ECONNRESET \(request -8\)/);
record({ naive_requests: 1, naive_errors: naive.length, fixed_requests: 3 });
