// A stand-in Redis server on a Unix socket (the sandbox has no TCP) with maxclients 10: past it
// it answers a new connection with "-ERR max number of clients reached" and closes it, as Redis
// does. A stand-in client (ioredis is not installed) opens one connection per instance. 30
// requests that each make a client run the server out of slots; the snippet's one client,
// across two evaluations of the module (a hot reload), serves all 30 on one connection.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const SOCK = join(mkdtempSync(join(tmpdir(), "redis-")), "redis.sock");
const MAXCLIENTS = 10;
let connected = 0;
let peak = 0;
const server = createServer((socket) => {
  if (connected >= MAXCLIENTS) {
    socket.end("-ERR max number of clients reached\r\n");
    return;
  }
  connected += 1;
  peak = Math.max(peak, connected);
  socket.on("close", () => (connected -= 1));
  socket.on("data", (data) => {
    for (const _ of data.toString().matchAll(/PING/g)) socket.write("+PONG\r\n");
  });
});
await new Promise((resolve) => server.listen(SOCK, resolve));

class ReplyError extends Error {}

// Like ioredis: connects when made, queues commands, rejects them with the server's -ERR.
class StandInRedis {
  constructor(path) {
    this.pending = [];
    this.socket = createConnection(path);
    this.socket.on("data", (data) => {
      for (const line of data.toString().split("\r\n").filter(Boolean)) {
        const { resolve, reject } = this.pending.shift() ?? {};
        if (line.startsWith("-")) reject?.(new ReplyError(line.slice(1)));
        else resolve?.(line.slice(1));
      }
    });
    this.socket.on("close", () => {
      for (const { reject } of this.pending.splice(0)) reject(new Error("Connection is closed."));
    });
    this.socket.on("error", () => {});
  }
  ping() {
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write("PING\r\n");
    });
  }
  async quit() {
    await new Promise((resolve) => this.socket.end(resolve));
  }
}

// WRONG: a client per request, never quit.
const leaked = [];
const perRequest = await Promise.allSettled(
  Array.from({ length: 30 }, async () => {
    const client = new StandInRedis(SOCK);
    leaked.push(client);
    return client.ping();
  }),
);
const perRequestErrors = perRequest.filter((r) => r.status === "rejected").map((r) => r.reason.message);
assert.equal(perRequestErrors.length, 30 - MAXCLIENTS);
assert.ok(perRequestErrors.every((m) => m === "ERR max number of clients reached"), perRequestErrors.join());
const perRequestPeak = peak;
assert.equal(perRequestPeak, MAXCLIENTS);
await Promise.all(leaked.map((client) => client.quit()));
while (connected > 0) await new Promise((resolve) => setTimeout(resolve, 10));

// RIGHT: one client for the process, also across a second evaluation of the module.
peak = 0;
let made = 0;
const createRedisClient = () => {
  made += 1;
  return new StandInRedis(SOCK);
};
const first = await loadSnippet({ createRedisClient });
const again = await loadSnippet(); // next dev / Vite re-evaluates the module
const replies = await Promise.all(
  Array.from({ length: 30 }, (_, i) => (i % 2 ? first : again).getRedis().ping()),
);
assert.ok(replies.every((reply) => reply === "PONG"));
assert.equal(made, 1);
assert.equal(peak, 1);
assert.equal(first.getRedis(), again.getRedis());
await again.closeRedis();
while (connected > 0) await new Promise((resolve) => setTimeout(resolve, 10));
server.close();

record({
  requests: 30,
  maxclients: MAXCLIENTS,
  client_per_request_refused: perRequestErrors.length,
  client_per_request_error: perRequestErrors[0],
  shared_client_connections: peak,
  shared_client_refused: 0,
});
