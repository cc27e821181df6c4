// A real node:http server, driven through in-memory connections (any Duplex can be a server's
// connection; no network): the handler that answers 404 and keeps going throws
// ERR_HTTP_HEADERS_SENT, and an error path answering after a partial response throws too. The
// snippet's handler answers each case once and its guard never sets headers twice.
import assert from "node:assert/strict";
import http from "node:http";
import { Duplex } from "node:stream";
import { loadSnippet, record } from "./errata_check.mjs";

function request(server, path) {
  return new Promise((resolve) => {
    let response = "";
    const connection = new Duplex({
      read() {},
      write(chunk, encoding, done) { response += chunk; done(); },
      final(done) { done(); resolve(response); },
      destroy(error, done) { resolve(response); done(); },
    });
    server.emit("connection", connection);
    connection.push(`GET ${path} HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n`);
  });
}
const users = { 7: { id: 7, name: "Ada" } };
const findUser = async (id) => users[id];

const errors = [];
async function wrongHandler(req, res) {
  const id = new URL(req.url, "http://local").searchParams.get("id");
  const user = await findUser(id);
  if (!user) {
    res.statusCode = 404;
    res.end("not found");
  }
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify(user));
}
const wrong = http.createServer((req, res) => wrongHandler(req, res).catch((e) => errors.push(e)));
const missing = await request(wrong, "/user?id=8");
assert.match(missing, /^HTTP\/1\.1 404 Not Found/);
assert.equal(errors.length, 1);
assert.equal(errors[0].code, "ERR_HTTP_HEADERS_SENT");
assert.equal(errors[0].message, "Cannot set headers after they are sent to the client");

async function streamingThenFail(req, res) {
  res.writeHead(200, { "content-type": "text/plain" });
  res.write("partial ");
  throw new Error("model stream broke");
}
const naiveGuard = http.createServer((req, res) => streamingThenFail(req, res).catch((e) => {
  try { res.writeHead(500); res.end(String(e)); } catch (again) { errors.push(again); res.destroy(); }
}));
await request(naiveGuard, "/stream");
assert.equal(errors[1].code, "ERR_HTTP_HEADERS_SENT");
assert.match(errors[1].message, /Cannot write headers after they are sent to the client/);

const { userHandler, guarded } = await loadSnippet();
const logged = [];
const fixed = http.createServer(guarded(userHandler(findUser), (e) => logged.push(e)));
const [ok, notFound, bad] = await Promise.all(["/user?id=7", "/user?id=8", "/user"].map((p) => request(fixed, p)));
assert.match(ok, /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\n\{"id":7,"name":"Ada"\}$/);
assert.match(notFound, /^HTTP\/1\.1 404 Not Found[\s\S]*\{"error":"no user 8"\}$/);
assert.match(bad, /^HTTP\/1\.1 400 Bad Request[\s\S]*\{"error":"id is required"\}$/);
const failing = http.createServer(guarded(async () => { throw new Error("db down"); }, (e) => logged.push(e)));
assert.match(await request(failing, "/user?id=7"), /^HTTP\/1\.1 500 Internal Server Error[\s\S]*\{"error":"internal error"\}$/);
const cut = await request(http.createServer(guarded(streamingThenFail, (e) => logged.push(e))), "/stream");
assert.doesNotMatch(cut, /internal error|0\r\n\r\n$/); // cut off: never a complete 200
assert.deepEqual(logged.map((e) => e.message), ["db down", "model stream broke"]);
assert.equal(errors.length, 2);
record({ wrong: errors.map((e) => e.message) });
