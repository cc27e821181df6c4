// A backend with no CORS headers on one Unix socket (the sandbox has no TCP) stands for
// http://localhost:8000, a dev server for http://localhost:3000. A stand-in of the browser blocks
// the page's cross-origin call (simple GET and JSON POST with its preflight); through the dev
// server's proxy the same calls are same-origin and work, and a stopped backend gives a clear 502.
import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnippet, record } from "./errata_check.mjs";

const { createDevProxy } = await loadSnippet();
const PAGE = "http://localhost:3000";
const API = "http://localhost:8000";
const dir = mkdtempSync(join(tmpdir(), "cors-"));
const SOCKETS = { [API]: join(dir, "api.sock"), [PAGE]: join(dir, "dev.sock") };

const reached = [];
const api = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    reached.push(`${req.method} ${req.url} host=${req.headers.host}`);
    if (req.method === "GET" && req.url === "/api/items") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify([{ id: 1, name: "tea" }]));
    }
    if (req.method === "POST" && req.url === "/api/items") {
      res.writeHead(201, { "content-type": "application/json" });
      return res.end(JSON.stringify({ id: 2, ...JSON.parse(body) }));
    }
    res.writeHead(405, { "content-type": "application/json" });
    res.end(JSON.stringify({ detail: "Method Not Allowed" }));
  });
});
const page = (req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<!doctype html><script type=module src=/src/main.js></script>");
};
const dev = createServer(createDevProxy({ prefix: "/api", target: { socketPath: SOCKETS[API] }, next: page }));
const listen = (server, path) => new Promise((resolve) => server.listen(path, resolve));
await listen(api, SOCKETS[API]);
await listen(dev, SOCKETS[PAGE]);

function send(method, url, headers = {}, body) {
  const { origin, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: SOCKETS[origin], method, path: pathname, headers }, (res) => {
      let data = "";
      res.on("data", (chunk) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

// The browser's rules that matter here: same origin -> no check; cross origin -> a preflight for
// a non-simple request, and Access-Control-Allow-Origin must allow the page's origin.
async function browserFetch(pageOrigin, url, { method = "GET", headers = {}, body } = {}) {
  const target = new URL(url, pageOrigin);
  if (target.origin === pageOrigin) return send(method, target.href, headers, body);
  const blocked = `Access to fetch at '${target.href}' from origin '${pageOrigin}' has been blocked by CORS policy: `;
  const missing = "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
  const allows = (h) => h["access-control-allow-origin"] === "*" || h["access-control-allow-origin"] === pageOrigin;
  const contentType = (headers["content-type"] ?? "text/plain").split(";")[0];
  const simple = ["GET", "HEAD", "POST"].includes(method) &&
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"].includes(contentType);
  if (!simple) {
    const pre = await send("OPTIONS", target.href, { origin: pageOrigin, "access-control-request-method": method, "access-control-request-headers": "content-type" });
    if (!allows(pre.headers)) throw new TypeError("Failed to fetch", { cause: blocked + "Response to preflight request doesn't pass access control check: " + missing });
    if (pre.status < 200 || pre.status > 299) throw new TypeError("Failed to fetch", { cause: blocked + "Response to preflight request doesn't pass access control check: It does not have HTTP ok status." });
  }
  const res = await send(method, target.href, { ...headers, origin: pageOrigin }, body);
  if (!allows(res.headers)) throw new TypeError("Failed to fetch", { cause: blocked + missing });
  return res;
}
const failure = (promise) => promise.then(() => assert.fail("the browser let the page read it"), (e) => e);

// WRONG: the page calls http://localhost:8000 directly.
const getError = await failure(browserFetch(PAGE, `${API}/api/items`));
assert.equal(getError.message, "Failed to fetch");
assert.equal(getError.cause, `Access to fetch at '${API}/api/items' from origin '${PAGE}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`);
assert.deepEqual(reached, [`GET /api/items host=localhost`]); // the API answered 200; the page may not read it
const json = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "milk" }) };
const postError = await failure(browserFetch(PAGE, `${API}/api/items`, json));
assert.match(postError.cause, /Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin'/);
assert.equal(reached.at(-1), "OPTIONS /api/items host=localhost"); // only the preflight, 405; no POST

// RIGHT: the page calls its own origin, /api/items; the dev server forwards it.
reached.length = 0;
const got = await browserFetch(PAGE, "/api/items");
assert.equal(got.status, 200);
assert.deepEqual(JSON.parse(got.body), [{ id: 1, name: "tea" }]);
const made = await browserFetch(PAGE, "/api/items", json);
assert.equal(made.status, 201);
assert.deepEqual(JSON.parse(made.body), { id: 2, name: "milk" });
assert.deepEqual(reached, ["GET /api/items host=localhost", "POST /api/items host=localhost"]); // no preflight at all
assert.equal((await browserFetch(PAGE, "/")).status, 200); // the dev server's own pages still served
assert.equal((await browserFetch(PAGE, "/apiary")).headers["content-type"], "text/html"); // only /api and /api/...

// The backend stopped: the proxy says which target failed, instead of a CORS-looking error.
await new Promise((resolve) => api.close(resolve));
const down = await browserFetch(PAGE, "/api/items");
assert.equal(down.status, 502);
assert.match(down.body, /dev proxy: \/api -> .*api\.sock: (ENOENT|ECONNREFUSED)/);
dev.close();
record({ wrong_get: getError.cause, wrong_post: postError.cause, proxied: [got.status, made.status], backend_down: down.status });
