// A server (on a Unix socket: the sandbox has no TCP) that accepts and never answers: a plain
// http.get is still waiting after 500 ms; getWithDeadline(…, 100) rejects (AbortError) in about
// 100 ms, and a normal answer still arrives.
import assert from "node:assert/strict";
import { createServer, get } from "node:http";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const server = createServer((req, res) => {
  if (req.url === "/ok") res.end("fine");
  // "/hang": never answered
});
await new Promise((resolve) => server.listen("/tmp/api.sock", resolve));
let plainState = "pending";
const plain = get({ socketPath: "/tmp/api.sock", path: "/hang" }, () => (plainState = "answered"));
plain.on("error", () => (plainState = "failed"));
await sleep(500);
const plainAt500 = plainState;
assert.equal(plainAt500, "pending");
plain.destroy();

const { getWithDeadline } = await loadSnippet();
const started = performance.now();
const aborted = (error) => error.name === "AbortError" || error.name === "TimeoutError";
await assert.rejects(getWithDeadline({ socketPath: "/tmp/api.sock", path: "/hang" }, 100), aborted);
const waited = performance.now() - started;
assert.ok(waited < 1500, String(waited)); // 100 ms, with room for a loaded machine
assert.deepEqual(await getWithDeadline({ socketPath: "/tmp/api.sock", path: "/ok" }, 1000), { status: 200, body: "fine" });
server.closeAllConnections();
server.close();
record({ plain_after_500_ms: plainAt500, deadline_ms: 100, gave_up_after_ms: Math.round(waited) });
