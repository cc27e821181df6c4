// A slow but healthy model server on a Unix socket (the sandbox has no TCP): 500 ms per answer.
// A 200 ms headers limit fails all 3 attempts after ~200 ms while the server logs each answer
// finished at 500 ms; the limits sized from those durations get every answer. A streamed answer
// (headers at once, a chunk every 100 ms for 1 s) passes a 200 ms headers and 300 ms idle limit;
// a stream that goes silent is cut by the idle limit, an endless one by the overall deadline.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const DELAY = 500;
const SOCKET = "/tmp/llm.sock";
const completed = []; // the server's own log: how long each answer took
const server = createServer(async (req, res) => {
  const started = performance.now();
  for await (const _ of req); // read the request body
  if (req.url === "/v1/completions") {
    await sleep(DELAY); // generating: slow, but it finishes
    completed.push(Math.round(performance.now() - started));
    if (!res.destroyed) res.end(JSON.stringify({ choices: [{ text: "done" }] }));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunks = req.url === "/stream" ? 10 : req.url === "/stalls" ? 2 : Infinity;
  for (let i = 0; i < chunks && !res.destroyed; i++) {
    await sleep(100);
    res.write(`data: {"token": ${i}}\n\n`);
  }
  if (req.url === "/stalls") await sleep(2000); // goes silent mid-answer
  if (!res.destroyed) res.end("data: [DONE]\n\n");
});
await new Promise((resolve) => server.listen(SOCKET, resolve));
const { postJson, sizedTimeouts } = await loadSnippet();
const at = (path) => ({ socketPath: SOCKET, path });
const elapsed = async (promise) => {
  const started = performance.now();
  try {
    return { value: await promise, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
};

// WRONG: a 200 ms headers limit for a 500 ms answer, tried 3 times: the same cut every time.
const tooShort = { headersMs: 200, idleMs: 200, totalMs: 5000 };
const failures = [];
for (let i = 0; i < 3; i++) failures.push(await elapsed(postJson(at("/v1/completions"), { i }, tooShort)));
for (const { error, ms } of failures) {
  assert.equal(error?.code, "HEADERS_TIMEOUT", String(error));
  assert.ok(ms >= 180 && ms < 450, String(ms));
}
while (completed.length < 3) await sleep(20); // ... while the server finished every one later
assert.ok(completed.every((ms) => ms >= DELAY - 5), String(completed));

// RIGHT: limits sized from the measured durations.
const sized = sizedTimeouts(completed, { headroom: 2, floorMs: 0, idleMs: 300 });
assert.ok(sized.headersMs >= 2 * (DELAY - 5) && sized.headersMs < 2000, JSON.stringify(sized));
const answers = [];
for (let i = 0; i < 3; i++) answers.push(await elapsed(postJson(at("/v1/completions"), { i }, sized)));
for (const { value, error, ms } of answers) {
  assert.equal(error, undefined, String(error));
  assert.deepEqual([value.status, JSON.parse(value.body).choices[0].text], [200, "done"]);
  assert.ok(ms >= DELAY - 5, String(ms));
}
assert.deepEqual(sizedTimeouts([12_000, 58_000]), { headersMs: 116_000, idleMs: 60_000, totalMs: 176_000 });
assert.equal(sizedTimeouts([400]).headersMs, 10_000); // the floor

// Streamed: headers at once, a chunk every 100 ms; 200 ms / 300 ms limits get the whole answer.
const streamLimits = { headersMs: 200, idleMs: 300, totalMs: 5000 };
const streamed = await elapsed(postJson(at("/stream"), {}, streamLimits));
assert.equal(streamed.error, undefined, String(streamed.error));
assert.ok(streamed.value.body.endsWith("data: [DONE]\n\n") && streamed.ms >= 900, String(streamed.ms));
assert.ok(streamed.value.headersAfterMs < 200, String(streamed.value.headersAfterMs));
const stalled = await elapsed(postJson(at("/stalls"), {}, streamLimits));
assert.equal(stalled.error?.code, "BODY_TIMEOUT", String(stalled.error));
const endless = await elapsed(postJson(at("/endless"), {}, { ...streamLimits, totalMs: 600 }));
assert.ok(["TimeoutError", "AbortError"].includes(endless.error?.name), String(endless.error));
assert.ok(endless.ms >= 550 && endless.ms < 1500, String(endless.ms));
server.closeAllConnections();
server.close();
record({
  server_takes_ms: DELAY,
  too_short_failed_after_ms: failures.map(({ ms }) => Math.round(ms)),
  server_completed_them_after_ms: completed.slice(0, 3),
  sized_headers_ms: Math.round(sized.headersMs),
  sized_answered_after_ms: answers.map(({ ms }) => Math.round(ms)),
  streamed_complete_after_ms: Math.round(streamed.ms),
  stalled_stream_cut_after_ms: Math.round(stalled.ms),
  endless_stream_cut_after_ms: Math.round(endless.ms),
});
