// Unix socket paths (the sandbox has no TCP). The upstream keeps idle keep-alive connections
// SERVER_IDLE_MS and sends no Keep-Alive hint (as a load balancer or NAT does); once a connection
// has been idle longer, it is gone for the upstream: a request written on it is closed without a
// response, as a reset from a balancer or NAT that dropped the flow, or a FIN still in flight,
// ends it. 1. A keep-alive agent without an idle timeout fails every request sent after a gap
// (socket hang up, ECONNRESET, reusedSocket true). 2. keepAliveAgent drops the socket first: every
// round succeeds on a new connection. 3. requestWithRetry alone recovers on a fresh socket; a POST
// is not retried, nor a failure on a new socket. 4. A Node server whose keepAliveTimeout is
// shorter than the balancer's idle time closes the balancer's reused connection;
// outliveLoadBalancer keeps it open.
import assert from "node:assert/strict";
import http from "node:http";
import { createServer, createConnection } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const { keepAliveAgent, send, requestWithRetry, outliveLoadBalancer } = await loadSnippet();
const folder = mkdtempSync(join(tmpdir(), "keepalive-"));
const SERVER_IDLE_MS = 150;
const GAP_MS = 400; // the client's quiet period, longer than the upstream keeps connections
const ROUNDS = 3;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function upstream(name, { answerFresh = true } = {}) {
  const path = join(folder, `${name}.sock`);
  const stats = { served: 0, dropped: 0, methods: [] };
  const server = createServer((socket) => {
    let last = Date.now(), buffered = "", fresh = true;
    socket.on("error", () => {});
    socket.on("data", (data) => {
      if (Date.now() - last > SERVER_IDLE_MS || (fresh && !answerFresh)) {
        stats.dropped += 1;
        socket.destroy(); // the connection no longer exists upstream: no response
        return;
      }
      buffered += data;
      while (buffered.includes("\r\n\r\n")) {
        const head = buffered.slice(0, buffered.indexOf("\r\n\r\n"));
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < head.length + 4 + length) return;
        buffered = buffered.slice(head.length + 4 + length);
        stats.served += 1;
        stats.methods.push(head.split(" ")[0]);
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        last = Date.now();
        fresh = false;
      }
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve({ path, stats, server })));
}

// ROUNDS times: a call (it leaves a kept-alive socket), GAP_MS of quiet, the call that counts.
async function rounds(call) {
  const outcomes = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    await call();
    await sleep(GAP_MS);
    try {
      const res = await call();
      outcomes.push({ ok: true, reusedSocket: res.reusedSocket });
    } catch (error) {
      outcomes.push({ ok: false, code: error.code, message: error.message, reusedSocket: error.reusedSocket });
    }
  }
  return outcomes;
}

// 1. WRONG: idle sockets kept forever; each request after a gap goes out on a dead connection.
const plain = await upstream("plain");
const plainAgent = new http.Agent({ keepAlive: true });
const plainOutcomes = await rounds(() => send({ socketPath: plain.path, path: "/items", agent: plainAgent }));
for (const outcome of plainOutcomes) {
  assert.equal(outcome.ok, false, JSON.stringify(plainOutcomes));
  assert.equal(outcome.code, "ECONNRESET");
  assert.match(outcome.message, /socket hang up|ECONNRESET/);
  assert.equal(outcome.reusedSocket, true);
}
plainAgent.destroy();

// 2. keepAliveAgent: its idle timeout (100 ms) is below the upstream's (150 ms).
const fixed = await upstream("fixed");
const agent = keepAliveAgent({ serverKeepAliveMs: SERVER_IDLE_MS, marginMs: 50 });
assert.equal(agent.keepAlive, true);
assert.equal(agent.options.timeout, 100);
const fixedOutcomes = await rounds(() => send({ socketPath: fixed.path, path: "/items", agent }));
assert.deepEqual(fixedOutcomes.map((o) => o.ok), Array(ROUNDS).fill(true), JSON.stringify(fixedOutcomes));
assert.ok(fixedOutcomes.every((o) => o.reusedSocket === false));
assert.equal(fixed.stats.dropped, 0);
agent.destroy();

// 3a. requestWithRetry with the old agent: the reused socket fails, the retry on a new one works.
const retried = await upstream("retried");
const oldAgent = new http.Agent({ keepAlive: true });
const retryOutcomes = await rounds(() => requestWithRetry({ socketPath: retried.path, path: "/items", agent: oldAgent }));
assert.deepEqual(retryOutcomes.map((o) => o.ok), Array(ROUNDS).fill(true), JSON.stringify(retryOutcomes));
assert.equal(retried.stats.dropped, ROUNDS); // one stale socket per round, each retried once
assert.equal(retried.stats.served, 2 * ROUNDS);
const retriedStale = retried.stats.dropped;

// 3b. A POST on a stale socket is not retried (it may have been processed); opting in retries it.
await sleep(GAP_MS);
const post = { socketPath: retried.path, path: "/orders", method: "POST", agent: oldAgent, headers: { "Content-Length": 2 } };
await assert.rejects(requestWithRetry(post, "{}"), (error) => error.code === "ECONNRESET" && error.reusedSocket === true);
await send({ socketPath: retried.path, path: "/items", agent: oldAgent });
await sleep(GAP_MS);
const keyed = await requestWithRetry({ ...post, headers: { ...post.headers, "Idempotency-Key": "order-42" } }, "{}", { idempotent: true });
assert.equal(keyed.status, 200);
oldAgent.destroy();

// 3c. A failure on a new socket is not a stale keep-alive: no retry, the error surfaces.
const broken = await upstream("broken", { answerFresh: false });
await assert.rejects(requestWithRetry({ socketPath: broken.path, path: "/items", agent: new http.Agent({ keepAlive: true }) }), (error) => error.code === "ECONNRESET" && error.reusedSocket === false);
assert.equal(broken.stats.dropped, 1);

// 4. Server side: a load balancer reuses its idle connection to the app after LB_IDLE_MS.
const LB_IDLE_MS = 300;
async function balancerReuse(configure) {
  const path = join(folder, `app-${configure ? "fixed" : "plain"}.sock`);
  const app = http.createServer((req, res) => res.end("ok"));
  if (configure) outliveLoadBalancer(app, { loadBalancerIdleMs: LB_IDLE_MS, marginMs: 200 });
  else {
    app.keepAliveTimeout = 100; // the app gives up on idle connections before the balancer
    app.keepAliveTimeoutBuffer = 0; // Node >= 24's extra second, left out at this small scale
  }
  await new Promise((resolve) => app.listen(path, resolve));
  const socket = createConnection(path);
  let received = "", ended = false;
  socket.on("data", (d) => (received += d));
  socket.on("end", () => (ended = true));
  socket.on("error", () => (ended = true));
  const request = "GET / HTTP/1.1\r\nHost: app\r\nConnection: keep-alive\r\n\r\n";
  const answers = () => (received.match(/HTTP\/1\.1 200/g) ?? []).length;
  socket.write(request);
  while (answers() < 1) await sleep(5);
  await sleep(LB_IDLE_MS); // the balancer's connection sits idle, then carries the next request
  if (!ended && !socket.destroyed) socket.write(request);
  const until = Date.now() + 2000;
  while (answers() < 2 && !ended && Date.now() < until) await sleep(5);
  socket.destroy();
  await new Promise((resolve) => app.close(resolve));
  return { answers: answers(), closedByApp: ended, keepAliveTimeout: app.keepAliveTimeout, headersTimeout: app.headersTimeout };
}
const appPlain = await balancerReuse(false);
assert.equal(appPlain.answers, 1);
assert.equal(appPlain.closedByApp, true);
const appFixed = await balancerReuse(true);
assert.equal(appFixed.answers, 2, JSON.stringify(appFixed));
assert.equal(appFixed.keepAliveTimeout, 500);
assert.ok(appFixed.headersTimeout > appFixed.keepAliveTimeout);

for (const { server } of [plain, fixed, retried, broken]) server.close();
record({
  plain_error: `${plainOutcomes[0].message} (${plainOutcomes[0].code}, reusedSocket ${plainOutcomes[0].reusedSocket})`,
  plain_failed_rounds: plainOutcomes.filter((o) => !o.ok).length,
  fixed_ok_rounds: fixedOutcomes.filter((o) => o.ok).length,
  retry_ok_rounds: retryOutcomes.filter((o) => o.ok).length,
  retry_stale_sockets: retriedStale,
  app_answers_plain: appPlain.answers,
  app_answers_fixed: appFixed.answers,
});
