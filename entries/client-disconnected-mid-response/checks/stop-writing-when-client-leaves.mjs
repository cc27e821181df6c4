// Unix socket paths (the sandbox has no TCP). 1. A push server (net) without the watch crashes
// with "Error: write EPIPE" when a client leaves; with watchClient it logs one line and serves the
// next client. 2. An HTTP server streaming events keeps writing after the client left; with
// watchClient its timer stops at once. 3. Other errors still throw.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { createConnection } from "node:net";
import { request } from "node:http";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const { watchClient } = await loadSnippet();
const folder = mkdtempSync(join(tmpdir(), "gone-"));

// A server that pushes frames and never reads (a live feed): pauseOnConnect keeps it from
// seeing the client's end first, so the write itself fails, as on a busy real server.
function pushServer(name, watched) {
  const path = join(folder, `${name}.sock`);
  const script = join(folder, `${name}.mjs`);
  const body = watched
    ? `const timer = setInterval(() => { if (open()) socket.write(frame); }, 2);
       const open = watchClient(socket, { onGone: () => clearInterval(timer) });`
    : `const timer = setInterval(() => socket.write(frame), 2);`;
  writeFileSync(script, `import { createServer } from "node:net";
import { watchClient } from "/tmp/snippet.mjs";
const frame = "x".repeat(65536);
createServer({ pauseOnConnect: true }, (socket) => { ${body} }).listen(${JSON.stringify(path)}, () => console.log("listening"));
`);
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise((resolve) => child.stdout.once("data", resolve));
  return { path, child, exited, ready, output: () => ({ out, err }) };
}

function leaveAfterFirstBytes(path) {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once("data", () => { socket.destroy(); resolve(); });
    socket.once("error", reject);
  });
}

function readBytes(path, wanted) {
  return new Promise((resolve, reject) => {
    let total = 0;
    const socket = createConnection(path);
    socket.on("data", (d) => { total += d.length; if (total >= wanted) { socket.destroy(); resolve(total); } });
    socket.once("error", reject);
  });
}

function deadline(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// 1a. Unwatched: the first client that leaves crashes the whole server.
const plain = pushServer("plain", false);
await deadline(plain.ready, 10_000, "plain server start");
await leaveAfterFirstBytes(plain.path);
const plainCode = await deadline(plain.exited, 10_000, "plain server crash");
assert.notEqual(plainCode, 0);
assert.match(plain.output().err, /Unhandled 'error' event/);
assert.match(plain.output().err, /Error: write (EPIPE|ECONNRESET)/);

// 1b. Watched: one debug line, still alive, the next client gets its frames.
const fixed = pushServer("fixed", true);
await deadline(fixed.ready, 10_000, "fixed server start");
await leaveAfterFirstBytes(fixed.path);
const nextClientBytes = await deadline(readBytes(fixed.path, 1 << 20), 10_000, "next client");
assert.ok(nextClientBytes >= 1 << 20);
assert.equal(fixed.child.exitCode, null, "the fixed server exited");
const lines = fixed.output().out.split("\n").filter((line) => line.includes("client went away"));
assert.equal(lines.length, 1, fixed.output().out);
assert.equal(fixed.output().err, "");
fixed.child.kill();
await fixed.exited;

// 2. HTTP: an event stream written on a timer, to a client that reads one chunk and aborts.
const { createServer } = await import("node:http");
async function eventStream(watched) {
  const path = join(folder, `events-${watched}.sock`);
  let writesAfterClose = 0, closed = false, timer;
  const logged = [];
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/event-stream" });
    res.on("close", () => (closed = true));
    const write = () => { if (closed) writesAfterClose += 1; res.write(`data: ${"x".repeat(8192)}\n\n`); };
    if (watched) {
      timer = setInterval(() => { if (open()) write(); }, 2);
      const open = watchClient(res, { onGone: () => clearInterval(timer), log: { debug: (l) => logged.push(l) } });
    } else {
      timer = setInterval(write, 2);
    }
  });
  await new Promise((resolve) => server.listen(path, resolve));
  await new Promise((resolve) => {
    const req = request({ socketPath: path, path: "/events" }, (res) => res.once("data", () => { req.destroy(); resolve(); }));
    req.on("error", () => {});
    req.end();
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  clearInterval(timer);
  server.close();
  return { writesAfterClose, logged, closed };
}
const plainEvents = await eventStream(false);
assert.ok(plainEvents.closed && plainEvents.writesAfterClose > 5, JSON.stringify(plainEvents));
const fixedEvents = await eventStream(true);
assert.ok(fixedEvents.closed, JSON.stringify(fixedEvents));
assert.equal(fixedEvents.writesAfterClose, 0);
assert.equal(fixedEvents.logged.length, 1);

// 3. An error that is not a client leaving is still thrown.
const other = new EventEmitter();
watchClient(other, { log: { debug: () => assert.fail("logged a real error as a client leaving") } });
assert.throws(() => other.emit("error", Object.assign(new Error("write EIO"), { code: "EIO" })), /EIO/);

record({
  plain_net_exit: plainCode,
  fixed_next_client_bytes: nextClientBytes,
  plain_http_writes_after_close: plainEvents.writesAfterClose,
  fixed_http_writes_after_close: fixedEvents.writesAfterClose,
  fixed_log: fixedEvents.logged[0],
});
