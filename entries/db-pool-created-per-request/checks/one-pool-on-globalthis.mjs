// A stand-in database server on a Unix socket counts open connections and refuses the one past
// its limit as PostgreSQL does. WRONG: a module that runs `new Pool()` at its top level, evaluated
// again on every dev hot reload, and a handler that makes a pool per request: each pool keeps its
// idle client open, so the server fills up and refuses, while every pool is within its max and
// nothing is checked out; a module-level singleton without globalThis is made again on every
// reload too. RIGHT: the snippet's module, evaluated again on every reload, hands out
// one pool, whose connections stay within its max; closePool() gives them all back.
//
// What is modelled: pg.Pool (pg-pool) opens clients on demand up to `max`, keeps released ones
// idle for reuse (idleTimeoutMillis, 10 s by default) and closes them on end(). The sandbox has
// no TCP and no pg: connections are real sockets to a net server on a Unix socket.
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadSnippet, record } from "./errata_check.mjs";

const DIR = mkdtempSync(join(tmpdir(), "db-"));
const SOCKET = join(DIR, "db.sock");
const MAX_CONNECTIONS = 10;
const POOL_MAX = 3;

const server = { open: 0, peak: 0, refused: 0, waiters: [] };
const netServer = net.createServer((socket) => {
  if (server.open >= MAX_CONNECTIONS) {
    server.refused += 1;
    socket.end("FATAL:  sorry, too many clients already\n");
    return;
  }
  server.open += 1;
  server.peak = Math.max(server.peak, server.open);
  socket.write("OK\n");
  socket.on("data", (data) => {
    for (const line of data.toString().split("\n").filter(Boolean)) {
      socket.write(line === "SELECT 1" ? "1\n" : "ERROR\n");
    }
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    server.open -= 1;
    for (const wake of server.waiters.splice(0)) wake();
  });
});
await new Promise((resolve) => netServer.listen(SOCKET, resolve));

async function serverOpenIs(count, deadlineMs = 5000) {
  const until = Date.now() + deadlineMs;
  while (server.open !== count) {
    const left = until - Date.now();
    if (left <= 0) return false;
    let timer;
    await new Promise((resolve) => { server.waiters.push(resolve); timer = setTimeout(resolve, left); });
    clearTimeout(timer);
  }
  return true;
}

function readLine(socket) {
  return new Promise((resolve, reject) => {
    let text = "";
    const onError = (error) => { socket.off("data", onData); reject(error); };
    const onData = (data) => {
      text += data.toString();
      if (!text.includes("\n")) return;
      socket.off("data", onData);
      socket.off("error", onError);
      resolve(text.split("\n")[0]);
    };
    socket.on("data", onData);
    socket.once("error", onError);
  });
}

let poolsCreated = 0;
class Pool {
  // pg.Pool's shape: query() checks a client out (opening one under max), then releases it idle.
  constructor({ max = POOL_MAX } = {}) {
    poolsCreated += 1;
    this.max = max;
    this.idle = [];
    this.opened = 0;
    this.checkedOut = 0;
  }
  async connect() {
    if (this.idle.length) return this.idle.pop();
    assert.ok(this.opened < this.max, "this check never waits for a client");
    this.opened += 1;
    const socket = net.createConnection(SOCKET);
    const greeting = await readLine(socket);
    if (greeting !== "OK") {
      this.opened -= 1;
      socket.destroy();
      throw new Error(greeting.trim());
    }
    return socket;
  }
  async query(sql) {
    const socket = await this.connect();
    this.checkedOut += 1;
    try {
      const answer = readLine(socket);
      socket.write(`${sql}\n`);
      return await answer;
    } finally {
      this.checkedOut -= 1;
      this.idle.push(socket);
    }
  }
  async end() {
    for (const socket of this.idle.splice(0)) socket.end();
  }
}
const createPool = () => new Pool();

// WRONG 1: a dev server re-evaluates `export const pool = createPool()` on every hot reload.
writeFileSync(join(DIR, "db-wrong.mjs"), "export const pool = createPool();\n");
const snippet0 = await loadSnippet({ createPool }); // also makes createPool the app's global
const RELOADS = 12;
const reloadErrors = [];
const wrongPools = [];
for (let reload = 1; reload <= RELOADS; reload += 1) {
  const { pool } = await import(`${pathToFileURL(join(DIR, "db-wrong.mjs")).href}?reload=${reload}`);
  wrongPools.push(pool);
  await pool.query("SELECT 1").catch((error) => reloadErrors.push(error.message));
}
assert.equal(poolsCreated, RELOADS);
assert.equal(reloadErrors.length, RELOADS - MAX_CONNECTIONS);
assert.equal(reloadErrors[0], "FATAL:  sorry, too many clients already");
assert.equal(server.open, MAX_CONNECTIONS); // idle clients of old pools hold every slot
assert.ok(wrongPools.every((p) => p.checkedOut === 0 && p.opened <= p.max)); // no leak
await Promise.all(wrongPools.map((p) => p.end()));
assert.ok(await serverOpenIs(0));

// WRONG 2: a handler that makes a pool per request.
const requestErrors = [];
const requestPools = [];
for (let request = 0; request < 30; request += 1) {
  const pool = createPool();
  requestPools.push(pool);
  await pool.query("SELECT 1").catch((error) => requestErrors.push(error.message));
}
assert.equal(requestErrors.length, 30 - MAX_CONNECTIONS);
await Promise.all(requestPools.map((p) => p.end()));
assert.ok(await serverOpenIs(0));

// WRONG 3: a module-level singleton without globalThis lives in the module, so each reload's
// fresh evaluation starts with no pool and makes another one.
writeFileSync(
  join(DIR, "db-module-singleton.mjs"),
  "let pool;\nexport function getPool() { pool ??= createPool(); return pool; }\n",
);
poolsCreated = 0;
const singletonErrors = [];
const singletonPools = [];
for (let reload = 1; reload <= RELOADS; reload += 1) {
  const url = `${pathToFileURL(join(DIR, "db-module-singleton.mjs")).href}?reload=${reload}`;
  const { getPool } = await import(url);
  singletonPools.push(getPool());
  await getPool().query("SELECT 1").catch((error) => singletonErrors.push(error.message));
}
assert.equal(poolsCreated, RELOADS);
assert.equal(singletonErrors.length, RELOADS - MAX_CONNECTIONS);
await Promise.all(singletonPools.map((p) => p.end()));
assert.ok(await serverOpenIs(0));

// RIGHT: the snippet's module, evaluated again on every reload, serving concurrent requests.
poolsCreated = 0;
server.peak = 0;
const refusedBefore = server.refused;
let snippet = snippet0;
const answers = [];
for (let reload = 1; reload <= RELOADS; reload += 1) {
  if (reload > 1) snippet = await loadSnippet(); // a fresh evaluation of the module
  const burst = Array.from({ length: POOL_MAX }, () => snippet.getPool().query("SELECT 1"));
  answers.push(...(await Promise.all(burst)));
}
assert.equal(poolsCreated, 1);
assert.deepEqual(answers, Array(RELOADS * POOL_MAX).fill("1"));
assert.ok(server.peak <= POOL_MAX, `server peak ${server.peak}`);
assert.equal(server.refused, refusedBefore);
const openBeforeClose = server.open;

// Closing at shutdown gives every connection back; the next getPool() makes a new pool.
await snippet.closePool();
assert.ok(await serverOpenIs(0), `open ${server.open}`);
assert.equal(await snippet.getPool().query("SELECT 1"), "1");
assert.equal(poolsCreated, 2);
await snippet.closePool();
await snippet.closePool(); // closing twice is harmless
assert.ok(await serverOpenIs(0));
netServer.close();

record({
  reloads: RELOADS,
  server_max_connections: MAX_CONNECTIONS,
  per_reload_pools: RELOADS,
  per_reload_refused: reloadErrors.length,
  per_request_refused: requestErrors.length,
  module_singleton_pools: RELOADS,
  module_singleton_refused: singletonErrors.length,
  shared_pools_created: 1,
  shared_server_peak: server.peak,
  shared_connections_before_close: openBeforeClose,
  connections_after_close: server.open,
});
