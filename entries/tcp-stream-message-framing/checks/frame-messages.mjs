// A 'data' event is not a message: two quick writes arrive as one chunk and a big message as
// several, so JSON.parse per chunk throws. onFrames (length prefix) and onJsonLines (newline
// delimited, StringDecoder) deliver every message whole and in order, however the bytes are
// cut. Unix stream sockets stand in for TCP (the sandbox has no TCP): both are byte streams.
import assert from "node:assert/strict";
import { createServer, createConnection } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const folder = mkdtempSync(join(tmpdir(), "framing-"));
let sockets = 0;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Serve one connection on a Unix socket; return what `receive` collected and the errors. */
async function exchange(receive, send, { until = () => false } = {}) {
  const path = join(folder, `s${sockets++}.sock`);
  const got = [];
  const errors = [];
  let finished;
  const done = new Promise((resolve) => (finished = resolve));
  const server = createServer((socket) => {
    socket.on("error", (error) => errors.push(error.message));
    receive(socket, got, errors);
    socket.on("close", () => finished());
  });
  await new Promise((resolve) => server.listen(path, resolve));
  const client = createConnection(path);
  await new Promise((resolve) => client.once("connect", resolve));
  await send(client);
  client.end();
  await done;
  server.close();
  return { got, errors };
}

const naive = (socket, got, errors) =>
  socket.on("data", (chunk) => {
    try {
      got.push(JSON.parse(chunk)); // WRONG: one chunk taken as one message
    } catch (error) {
      errors.push(error.message);
    }
  });

// WRONG 1: two writes in a row reach the reader as one chunk.
const glued = await exchange(naive, async (client) => {
  client.write(JSON.stringify({ type: "hello", n: 1 }));
  client.write(JSON.stringify({ type: "move", n: 2 }));
});
assert.equal(glued.got.length, 0);
assert.match(glued.errors[0], /Unexpected non-whitespace character after JSON at position 22|Unexpected token \{ in JSON at position 22/);

// WRONG 2: a big message reaches the reader in several chunks, none of them JSON on its own.
const big = { type: "state", text: "lorem ipsum ".repeat(40_000) };
const cut = await exchange(naive, async (client) => {
  client.write(JSON.stringify(big));
});
assert.equal(cut.got.length, 0);
assert.ok(cut.errors.length >= 2, String(cut.errors.length));
assert.match(cut.errors[0], /Unterminated string in JSON|Unexpected end of JSON input/);

const { encodeFrame, onFrames, onJsonLines, writeJsonLine } = await loadSnippet();

// 200 messages with multi-byte text, their bytes delivered cut at random places.
let seed = 7;
const random = (n) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
const messages = Array.from({ length: 200 }, (_, seq) => ({ seq, text: "日本語 ✓ ".repeat(random(300)) }));
async function dribble(client, bytes) {
  for (let at = 0; at < bytes.length; ) {
    const step = 1 + random(3000);
    client.write(bytes.subarray(at, at + step));
    at += step;
    await tick();
  }
}
const collect = (reader) => (socket, got, errors) => reader(socket, (m) => got.push(m), (e) => errors.push(e.message));

// FIXED 1: length-prefixed frames: the two quick messages, the big one, the 200 cut ones.
const framed = await exchange(collect(onFrames), async (client) => {
  client.write(encodeFrame({ type: "hello", n: 1 }));
  client.write(encodeFrame({ type: "move", n: 2 }));
  client.write(encodeFrame(big));
  await dribble(client, Buffer.concat(messages.map(encodeFrame)));
});
assert.deepEqual(framed.errors, []);
assert.deepEqual(framed.got, [{ type: "hello", n: 1 }, { type: "move", n: 2 }, big, ...messages]);

// FIXED 2: newline-delimited JSON through a buffer, cut the same way (characters split too).
const lined = await exchange(collect(onJsonLines), async (client) => {
  writeJsonLine(client, { type: "hello", n: 1 });
  writeJsonLine(client, big);
  await dribble(client, Buffer.from(messages.map((m) => JSON.stringify(m) + "\n").join(""), "utf8"));
});
assert.deepEqual(lined.errors, []);
assert.deepEqual(lined.got, [{ type: "hello", n: 1 }, big, ...messages]);

// FIXED 3: a peer that leaves inside a message is reported, not parsed.
const left = await exchange(collect(onFrames), async (client) => {
  client.write(encodeFrame({ type: "state", text: "x".repeat(1000) }).subarray(0, 600));
});
assert.equal(left.got.length, 0);
assert.match(left.errors[0], /connection closed inside a message \(600 bytes left\)/);

record({
  glued: glued.errors[0],
  cut_first_chunk: cut.errors[0],
  cut_chunks: cut.errors.length,
  framed_messages: framed.got.length,
  line_messages: lined.got.length,
});
