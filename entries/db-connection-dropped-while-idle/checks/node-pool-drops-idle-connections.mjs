// Unix socket paths (the sandbox has no TCP). A stand-in database server forgets a connection
// idle longer than IDLE_TIMEOUT_MS, in one of two ways: "server" closes it (MySQL wait_timeout,
// a PgBouncer idle timeout), "firewall" drops the flow silently, so the next write is reset (a
// NAT or firewall idle timeout). A stand-in driver connection fails as mysql2 and mysql do.
// 1. One connection kept for the life of the process fails after each quiet period ("Can't add
//    new command when connection is in closed state" / "Connection lost: The server closed the
//    connection."); a new connection works. 2. A pool without idle limits fails the same way
//    behind the firewall. 3. createCheckedPool with maxIdleMs below the timeout succeeds every
//    round in both modes; with validateIdleMs 0 it also survives a failover that drops young
//    connections. 4. The option helpers keep the drivers' idle limits below the timeout.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtempSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

const { createCheckedPool, mysql2PoolOptions, pgPoolOptions } = await loadSnippet();
const folder = mkdtempSync(join(tmpdir(), "dbidle-"));
const IDLE_TIMEOUT_MS = 300;
const GAP_MS = 800;
const ROUNDS = 3;

function standInServer(name, mode) {
  const path = join(folder, `${name}.sock`);
  const flows = new Map(); // socket -> its state on the server side
  const stats = { forgotten: 0, queries: 0 };
  const server = createServer((socket) => {
    const flow = { gone: false };
    flows.set(socket, flow);
    let last = Date.now(), buffered = "";
    socket.on("error", () => {});
    socket.on("close", () => flows.delete(socket));
    const timer = setInterval(() => {
      if (flow.gone || Date.now() - last <= IDLE_TIMEOUT_MS) return;
      flow.gone = true;
      stats.forgotten += 1;
      if (mode === "server") socket.end(); // wait_timeout: the server hangs up (FIN)
    }, 20);
    socket.on("close", () => clearInterval(timer));
    socket.on("data", (data) => {
      if (flow.gone) {
        socket.destroy(); // the firewall forgot the flow: the packet is answered with a reset
        return;
      }
      buffered += data;
      while (buffered.includes("\n")) {
        const line = buffered.slice(0, buffered.indexOf("\n"));
        buffered = buffered.slice(line.length + 1);
        if (line.startsWith("QUERY")) stats.queries += 1;
        socket.write("OK\n");
        last = Date.now();
      }
    });
  });
  // A failover behind a proxy or NAT: every existing flow is unknown to the new primary at once,
  // however young; nothing tells the client until it writes.
  const failover = () => {
    for (const flow of flows.values()) flow.gone = true;
  };
  return new Promise((resolve) => server.listen(path, () => resolve({ path, stats, server, failover })));
}

// A driver connection as mysql2 / mysql behave: a command on a closed connection is refused,
// a command whose connection closes before the reply gets PROTOCOL_CONNECTION_LOST.
class DriverConnection extends EventEmitter {
  static open(path) {
    return new Promise((resolve, reject) => {
      const conn = new DriverConnection(createConnection(path));
      conn.socket.once("connect", () => resolve(conn));
      conn.socket.once("error", reject);
    });
  }

  constructor(socket) {
    super();
    this.socket = socket;
    this.closed = false;
    this.pending = [];
    let buffered = "";
    socket.on("error", () => {});
    socket.on("data", (data) => {
      buffered += data;
      while (buffered.includes("\n")) {
        const line = buffered.slice(0, buffered.indexOf("\n"));
        buffered = buffered.slice(line.length + 1);
        this.pending.shift()?.resolve(line);
      }
    });
    socket.on("close", () => {
      this.closed = true;
      for (const { reject } of this.pending.splice(0)) {
        reject(Object.assign(new Error("Connection lost: The server closed the connection."), {
          fatal: true, code: "PROTOCOL_CONNECTION_LOST",
        }));
      }
      this.emit("close");
    });
  }

  command(line) {
    if (this.closed) {
      return Promise.reject(new Error("Can't add new command when connection is in closed state"));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(`${line}\n`);
    });
  }

  query(sql) { return this.command(`QUERY ${sql}`); }
  ping() { return this.command("PING"); }
  destroy() { this.socket.destroy(); }
}

async function outcome(call) {
  try {
    await call();
    return "ok";
  } catch (error) {
    return error.message;
  }
}

async function rounds(call) {
  const outcomes = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    assert.equal(await outcome(call), "ok");
    await sleep(GAP_MS);
    outcomes.push(await outcome(call));
  }
  return outcomes;
}

const closing = await standInServer("closing", "server");
const firewall = await standInServer("firewall", "firewall");

// 1. WRONG: one connection for the life of the process; the server closed it while idle. The
// driver saw the close during the quiet period, so the query is refused before it is sent.
async function afterGap(call) {
  assert.equal(await outcome(call), "ok");
  await sleep(GAP_MS);
  return outcome(call);
}
const single = await DriverConnection.open(closing.path);
const singleError = await afterGap(() => single.query("SELECT 1"));
assert.equal(singleError, "Can't add new command when connection is in closed state");
const fresh = await DriverConnection.open(closing.path);
assert.equal(await outcome(() => fresh.query("SELECT 1")), "ok"); // a new connection works
fresh.destroy();

// 1b. Behind a firewall that forgot the idle flow, the query is written and the reply never comes.
const lone = await DriverConnection.open(firewall.path);
const loneError = await afterGap(() => lone.query("SELECT 1"));
assert.equal(loneError, "Connection lost: The server closed the connection.");

// 2. WRONG: a pool with no idle limit, behind the firewall: the kept connection is dead.
const unlimited = createCheckedPool({
  connect: () => DriverConnection.open(firewall.path), maxIdleMs: Infinity,
  validateIdleMs: Infinity, reapEveryMs: 1000,
});
const unlimitedOutcomes = await rounds(() => unlimited.query("SELECT 1"));
for (const o of unlimitedOutcomes) {
  assert.equal(o, "Connection lost: The server closed the connection.", unlimitedOutcomes);
}
assert.equal(await outcome(() => unlimited.query("SELECT 1")), "ok"); // retried: a new connection
unlimited.end();

// 3. FIX: idle connections retired below the idle timeout, in both modes.
const fixedResults = {};
for (const [name, target] of [["server", closing], ["firewall", firewall]]) {
  const pool = createCheckedPool({
    connect: () => DriverConnection.open(target.path), maxIdleMs: IDLE_TIMEOUT_MS / 2,
    validateIdleMs: Infinity,
  });
  const outcomes = await rounds(() => pool.query("SELECT 1"));
  assert.deepEqual(outcomes, Array(ROUNDS).fill("ok"), name);
  assert.equal(pool.stats.retired, ROUNDS, JSON.stringify(pool.stats));
  fixedResults[name] = { ok: outcomes.filter((o) => o === "ok").length, ...pool.stats };
  pool.end();
}

// 3b. A failover drops young connections too: only a ping before use (validateIdleMs) catches it.
async function afterFailover(validateIdleMs) {
  const pool = createCheckedPool({
    connect: () => DriverConnection.open(firewall.path), maxIdleMs: IDLE_TIMEOUT_MS / 2,
    validateIdleMs,
  });
  assert.equal(await outcome(() => pool.query("SELECT 1")), "ok");
  firewall.failover();
  await sleep(20);
  const result = await outcome(() => pool.query("SELECT 1"));
  const stats = { ...pool.stats };
  pool.end();
  return { result, stats };
}
const failoverUnvalidated = await afterFailover(Infinity);
assert.equal(failoverUnvalidated.result, "Connection lost: The server closed the connection.");
const failoverValidated = await afterFailover(0);
assert.equal(failoverValidated.result, "ok", JSON.stringify(failoverValidated));
assert.equal(failoverValidated.stats.foundDead, 1, JSON.stringify(failoverValidated));

// 4. The option helpers: idle limits below the shortest idle timeout.
const mysql2 = mysql2PoolOptions({ shortestIdleTimeoutMs: 28_800_000, connectionLimit: 10 });
assert.ok(mysql2.maxIdle < mysql2.connectionLimit); // otherwise mysql2 never reaps idle ones
assert.ok(mysql2.idleTimeout < 28_800_000 && mysql2.idleTimeout > 0);
const pg = pgPoolOptions({ shortestIdleTimeoutMs: 350_000 }); // an AWS NAT gateway
assert.ok(pg.idleTimeoutMillis < 350_000 && pg.maxLifetimeSeconds * 1000 < 350_000);

single.destroy();
lone.destroy();
for (const { server } of [closing, firewall]) server.close();
record({
  idle_timeout_ms: IDLE_TIMEOUT_MS,
  quiet_period_ms: GAP_MS,
  single_connection_error: singleError,
  firewall_lone_connection_error: loneError,
  unlimited_pool_failed_rounds: unlimitedOutcomes.filter((o) => o !== "ok").length,
  fixed_server_close: fixedResults.server,
  fixed_firewall_drop: fixedResults.firewall,
  after_failover_unvalidated: failoverUnvalidated.result,
  after_failover_validated: failoverValidated.result,
  mysql2_options: mysql2,
  pg_options: pg,
});
