// A server killed with SIGKILL leaves its socket file: a plain listen() then fails with
// EADDRINUSE although nothing runs; listenUnix recovers and serves. A live server's path is
// refused and keeps answering; a regular file at the path is left alone.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, createConnection } from "node:net";
import { writeFileSync, readFileSync } from "node:fs";
import { loadSnippet, record } from "./errata_check.mjs";

const path = "/tmp/app.sock";
const crashed = spawn(process.execPath, ["-e",
  `require("net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`]);
await new Promise((resolve) => crashed.stdout.once("data", resolve));
crashed.kill("SIGKILL");
await new Promise((resolve) => crashed.once("exit", resolve));

const naive = createServer();
const naiveError = await new Promise((resolve) => {
  naive.once("error", (error) => resolve(error.code));
  naive.listen(path, () => resolve("listening"));
});
assert.equal(naiveError, "EADDRINUSE");

const { listenUnix } = await loadSnippet();
const greet = (socket) => socket.on("error", () => {}).end("hello"); // probes hang up early
const server = await listenUnix(createServer(greet), path);
const reply = await new Promise((resolve) => {
  const client = createConnection(path);
  let data = "";
  client.on("data", (chunk) => (data += chunk)).on("end", () => resolve(data));
});
assert.equal(reply, "hello");
await assert.rejects(listenUnix(createServer(), path), { code: "EADDRINUSE" }); // live: refused
writeFileSync("/tmp/not-a-socket", "keep me");
await assert.rejects(listenUnix(createServer(), "/tmp/not-a-socket"), { code: "EADDRINUSE" });
assert.equal(readFileSync("/tmp/not-a-socket", "utf8"), "keep me");
server.close();
record({ naive_listen: naiveError, recovered_reply: reply });
