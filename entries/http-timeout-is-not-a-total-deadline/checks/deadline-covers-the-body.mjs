// A server (on a Unix socket: the sandbox has no TCP) sends its headers, then one byte every
// 50 ms without end. http.get with timeout: 200 is still receiving after 1 s and its 'timeout'
// event never fired; a deadline cleared at the headers (as SDKs' fetchWithTimeout did) is still
// pending too. getWithDeadline(..., 300) rejects at about 300 ms, and /ok still answers.
import assert from "node:assert/strict";
import { createServer, get } from "node:http";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const SOCK = "/tmp/trickle.sock";
const timers = new Set();
const server = createServer((req, res) => {
  if (req.url === "/ok") return res.end("fine");
  res.writeHead(200, { "content-type": "text/plain" });
  const timer = setInterval(() => res.write("."), 50); // a stream that keeps sending
  timers.add(timer);
  res.on("close", () => clearInterval(timer));
});
await new Promise((resolve) => server.listen(SOCK, resolve));

// WRONG 1: the timeout option is an idle timer: it never fires while bytes keep coming.
let timedOut = false;
let bytes = 0;
let ended = false;
const plain = get({ socketPath: SOCK, path: "/trickle", timeout: 200 }, (res) => {
  res.on("data", (chunk) => (bytes += chunk.length));
  res.on("end", () => (ended = true));
});
plain.on("timeout", () => (timedOut = true));
plain.on("error", () => {});
await sleep(1000);
const idleTimerBytes = bytes;
assert.equal(timedOut, false);
assert.equal(ended, false);
assert.ok(idleTimerBytes >= 10, String(idleTimerBytes)); // still receiving, 5x its timeout
plain.destroy();

// WRONG 2: a deadline cleared when the headers arrive leaves the body unbounded.
function headersOnlyDeadline(options, ms) {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    const req = get({ ...options, signal: controller.signal }, (res) => {
      clearTimeout(timer); // "the request answered": the body is read with no deadline
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
  });
}
let headersOnlyState = "pending";
const headersOnly = headersOnlyDeadline({ socketPath: SOCK, path: "/trickle" }, 300);
headersOnly.then(() => (headersOnlyState = "resolved"), () => (headersOnlyState = "rejected"));
await sleep(1000);
assert.equal(headersOnlyState, "pending");

// RIGHT: one signal for the whole call, body included.
const { getWithDeadline } = await loadSnippet();
const started = performance.now();
const aborted = (error) => error.name === "AbortError" || error.name === "TimeoutError";
await assert.rejects(getWithDeadline({ socketPath: SOCK, path: "/trickle" }, 300), aborted);
const waited = performance.now() - started;
assert.ok(waited >= 250 && waited < 1500, String(waited));
assert.deepEqual(await getWithDeadline({ socketPath: SOCK, path: "/ok" }, 1000), { status: 200, body: "fine" });

for (const timer of timers) clearInterval(timer);
server.closeAllConnections();
server.close();
record({
  idle_timeout_ms: 200,
  idle_timer_fired_after_1000_ms: timedOut,
  bytes_received_in_1000_ms: idleTimerBytes,
  headers_only_deadline_after_1000_ms: headersOnlyState,
  deadline_ms: 300,
  gave_up_after_ms: Math.round(waited),
});
