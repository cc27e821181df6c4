// Unix socket paths (the sandbox allows no TCP, not even loopback): a refused connect, a bounded
// wait that gives up naming the address, a server that starts late being waited for, and a
// non-retryable error (TCP socket() refused in the sandbox, or an unknown host) failing at once.
import assert from "node:assert/strict";
import { createServer, createConnection } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const { waitForService, serviceAddress, ServiceUnreachable } = await loadSnippet();
const folder = mkdtempSync(join(tmpdir(), "refused-"));
const listen = (server, path) => new Promise((resolve) => server.listen(path, () => resolve(server)));
const close = (server) => new Promise((resolve) => server.close(resolve));

// 1. Nothing listens: a plain connect fails with ECONNREFUSED / ENOENT.
const down = join(folder, "down.sock");
const naive = await new Promise((resolve) => createConnection(down).once("error", (e) => resolve(e.code)));
assert.ok(["ENOENT", "ECONNREFUSED"].includes(naive), naive);

// 2. The bounded wait gives up at its deadline and names the address.
let started = Date.now();
const gaveUp = await waitForService({ path: down }, { timeoutMs: 500, intervalMs: 50 }).catch((e) => e);
const gaveUpMs = Date.now() - started;
assert.ok(gaveUp instanceof ServiceUnreachable, String(gaveUp));
assert.match(gaveUp.message, new RegExp(`nothing accepts connections at ${down}`));
assert.ok(gaveUpMs >= 400 && gaveUpMs < 2_000, `${gaveUpMs}`);

// 3. The service starts late: the wait resolves once it listens, and the app's connection works.
const late = join(folder, "late.sock");
const server = createServer((socket) => socket.on("error", () => {}).end("ready"));
setTimeout(() => listen(server, late), 400);
started = Date.now();
await waitForService({ path: late }, { timeoutMs: 10_000, intervalMs: 50 });
const waitedMs = Date.now() - started;
assert.ok(waitedMs >= 300 && waitedMs < 5_000, `${waitedMs}`);
const reply = await new Promise((resolve, reject) => {
  let data = "";
  createConnection(late).on("data", (c) => (data += c)).on("end", () => resolve(data)).on("error", reject);
});
assert.equal(reply, "ready");
await close(server);

// 4. Not a service still starting (TCP refused by the sandbox, or no such host): fails at once.
started = Date.now();
const fast = await waitForService({ host: "127.0.0.1", port: 9 }, { timeoutMs: 2_000, intervalMs: 50 }).catch((e) => e);
const tcpAllowed = !(fast instanceof ServiceUnreachable) || !/EACCES|EPERM/.test(fast.message);
if (!tcpAllowed) {
  assert.match(fast.message, /cannot connect to 127\.0\.0\.1:9/);
  assert.ok(Date.now() - started < 1_000);
}

// 5. The address comes from the environment: the compose file names the service.
assert.deepEqual(serviceAddress("DB", "localhost", 5432, { DB_HOST: "db" }), { host: "db", port: 5432 });

record({ naive_connect: naive, gave_up_ms: gaveUpMs, late_server_waited_ms: waitedMs, tcp_allowed: tcpAllowed });
