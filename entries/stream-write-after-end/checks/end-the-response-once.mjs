// A real node:http server driven through in-memory keep-alive connections (any Duplex can be a
// server's connection; no network). Handlers that end the response before their async work, fall
// through after an error answer, or leave a heartbeat timer running, write after end: the
// response emits ERR_STREAM_WRITE_AFTER_END ("write after end"), and a second end(cb) gets
// ERR_STREAM_ALREADY_FINISHED. The snippet's handlers answer once and nothing writes late.
import assert from "node:assert/strict";
import http from "node:http";
import { Duplex } from "node:stream";
import { loadSnippet, record, sleep } from "./errata_check.mjs";

// One request on a keep-alive connection whose client reads slowly (each write is acknowledged
// after 30 ms, as over a real network), so the response is still being flushed when a late write
// comes. Resolves with the raw bytes sent and every error the response emitted until it closed.
function request(handler, path = "/", settleMs = 20) {
  return new Promise((resolve) => {
    let sent = "";
    const errors = [];
    const server = http.createServer((req, res) => {
      res.on("error", (error) => errors.push(error));
      res.once("close", () => sleep(settleMs).then(() => resolve({ sent, errors })));
      Promise.resolve(handler(req, res)).catch((error) => errors.push(error));
    });
    const connection = new Duplex({
      read() {},
      write(chunk, encoding, done) {
        sent += chunk;
        setTimeout(done, 30);
      },
    });
    server.emit("connection", connection);
    connection.push(`GET ${path} HTTP/1.1\r\nHost: local\r\n\r\n`);
  });
}
const loadRows = async () => {
  await sleep(10);
  return [{ id: 1 }, { id: 2 }];
};
const readFile = (path, done) =>
  setImmediate(() => (path === "/missing" ? done(Object.assign(new Error("ENOENT"), { code: "ENOENT" })) : done(null, "file body")));
const body = (sent) => sent.split("\r\n\r\n").slice(1).join("\r\n\r\n");

// WRONG 1: the async result is written after res.end() already ran.
const early = await request((req, res) => {
  res.write("[");
  loadRows().then((rows) => res.write(JSON.stringify(rows)));
  res.end("]");
});
assert.equal(early.errors.length, 1);
assert.equal(early.errors[0].code, "ERR_STREAM_WRITE_AFTER_END");
assert.equal(early.errors[0].message, "write after end");
assert.doesNotMatch(early.sent, /"id"/); // the client got "[]" without its rows

// WRONG 2: a timeout path and the success path both answer: the slow result ends it again.
const slowQuery = async () => {
  await sleep(15);
  return { id: 1 };
};
const raced = await request((req, res) => {
  setTimeout(() => {
    res.statusCode = 504;
    res.end("timed out");
  }, 5);
  slowQuery().then((row) => res.end(JSON.stringify(row)));
});
assert.match(raced.sent, /^HTTP\/1\.1 504 Gateway Timeout[\s\S]*timed out$/);
assert.deepEqual(raced.errors.map((e) => e.code), ["ERR_STREAM_WRITE_AFTER_END"]);
assert.match(raced.errors[0].stack, /at ServerResponse\.end/);

// WRONG 3: a heartbeat timer outlives the response it writes to.
let timer;
const heartbeat = await request((req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  timer = setInterval(() => res.write(": ping\n\n"), 5);
  setTimeout(() => res.end("data: done\n\n"), 12);
});
clearInterval(timer);
assert.ok(heartbeat.errors.length >= 3, `late pings: ${heartbeat.errors.length}`);
assert.ok(heartbeat.errors.every((e) => e.code === "ERR_STREAM_WRITE_AFTER_END"));

// WRONG 4: ending twice with a callback: the second end is told the stream already finished.
const endAgain = [];
await request((req, res) => {
  res.end("ok", () => res.end((error) => endAgain.push(error)));
});
assert.equal(endAgain[0].code, "ERR_STREAM_ALREADY_FINISHED");
assert.equal(endAgain[0].message, "Cannot call end after a stream was finished");

// RIGHT: the snippet's handlers.
const { rowsHandler, fileHandler, every, endOnce, isOpen } = await loadSnippet();
const rows = await request(rowsHandler(loadRows));
assert.deepEqual(rows.errors, []);
assert.match(rows.sent, /^HTTP\/1\.1 200 OK/);
assert.equal(body(rows.sent).replace(/\r\n[0-9a-f]+\r\n|^[0-9a-f]+\r\n|\r\n0\r\n\r\n$|\r\n/g, ""), '[{"id":1},{"id":2}]');

const missing = await request(fileHandler(readFile), "/missing");
const found = await request(fileHandler(readFile), "/here");
assert.deepEqual([...missing.errors, ...found.errors], []);
assert.match(missing.sent, /^HTTP\/1\.1 404 Not Found[\s\S]*not found$/);
assert.match(found.sent, /^HTTP\/1\.1 200 OK[\s\S]*file body$/);

let pings = 0;
let late = 0;
const stopped = await request((req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  every(res, 5, () => {
    if (!isOpen(res)) late += 1;
    pings += 1;
    res.write(": ping\n\n");
  });
  setTimeout(() => res.end("data: done\n\n"), 12);
});
assert.deepEqual(stopped.errors, []);
assert.ok(pings >= 1 && late === 0, `pings ${pings}, late ${late}`);

const dropped = [];
const guarded = await request((req, res) => {
  const timeout = setTimeout(() => endOnce(res, 504, "timed out", (line) => dropped.push(line)), 5);
  slowQuery().then((row) => {
    clearTimeout(timeout);
    endOnce(res, 200, JSON.stringify(row), (line) => dropped.push(line));
  });
});
assert.deepEqual(guarded.errors, []);
assert.match(guarded.sent, /^HTTP\/1\.1 504 Gateway Timeout[\s\S]*timed out$/);

const twice = await request((req, res) => {
  assert.equal(endOnce(res, 200, "first", (line) => dropped.push(line)), true);
  assert.equal(endOnce(res, 500, "second", (line) => dropped.push(line)), false);
});
assert.deepEqual(twice.errors, []);
assert.match(twice.sent, /^HTTP\/1\.1 200 OK[\s\S]*first$/);
assert.deepEqual(dropped, [
  "response already ended; dropped a second answer (200)",
  "response already ended; dropped a second answer (500)",
]);

record({
  wrong: {
    endedBeforeAsyncWrite: early.errors.map((e) => e.message),
    timeoutThenResult: raced.errors.map((e) => e.code),
    latePings: heartbeat.errors.length,
    endAfterFinish: endAgain[0].code,
  },
  right: { errors: 0, pingsBeforeEnd: pings },
});
