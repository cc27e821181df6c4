// A real node:http server driven through in-memory connections (no network). The catch-all
// fallback (try_files $uri /index.html) answers a chunk that is gone with 200 text/html, which
// fails to parse as a module ("Unexpected token '<'"); the snippet's handler answers 404 for a
// missing file, still serves index.html for page routes, and serves the assets that exist.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { extname, join } from "node:path";
import { Duplex } from "node:stream";
import { pathToFileURL } from "node:url";
import { loadSnippet, record } from "./errata_check.mjs";

const dist = mkdtempSync("/tmp/dist-");
mkdirSync(join(dist, "assets"));
const indexHtml = '<!DOCTYPE html><html><head><script type="module" src="/assets/index-3f2a.js"></script></head><body><div id="app"></div></body></html>';
writeFileSync(join(dist, "index.html"), indexHtml);
writeFileSync(join(dist, "assets", "index-3f2a.js"), "export const mounted = true;\n");
writeFileSync(join(dist, "assets", "index-3f2a.css"), "#app { color: black }\n");

/** One GET over an in-memory connection (HTTP/1.0: the body comes unchunked). */
function get(server, path, accept) {
  return new Promise((resolve) => {
    let raw = "";
    const connection = new Duplex({
      read() {},
      write(chunk, encoding, done) { raw += chunk; done(); },
      final(done) { done(); resolve(parse(raw)); },
      destroy(error, done) { resolve(parse(raw)); done(); },
    });
    server.emit("connection", connection);
    connection.push(`GET ${path} HTTP/1.0\r\nHost: shop.test\r\nAccept: ${accept}\r\nConnection: close\r\n\r\n`);
  });
}
function parse(raw) {
  const [head, ...rest] = raw.split("\r\n\r\n");
  const status = Number(head.split(" ")[1]);
  const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? "";
  return { status, type, body: rest.join("\r\n\r\n") };
}
let modules = 0;
/** Evaluate a response body as the browser's module loader would (parse it as JavaScript). */
async function runAsModule(body) {
  const file = join(dist, `loaded-${modules++}.mjs`);
  writeFileSync(file, body);
  return import(pathToFileURL(file).href);
}

// WRONG: every unknown path gets index.html (nginx try_files $uri /index.html, app.get("*")).
const catchAll = http.createServer((req, res) => {
  const path = join(dist, new URL(req.url, "http://x").pathname);
  let body;
  try { body = readFileSync(path); } catch { body = null; }
  const html = body === null || extname(path) === "";
  res.writeHead(200, { "Content-Type": html ? "text/html" : "text/javascript" });
  res.end(html ? indexHtml : body);
});
const stale = await get(catchAll, "/assets/Orders-1a2b.js", "*/*"); // deleted by the last deploy
assert.equal(stale.status, 200);
assert.match(stale.type, /text\/html/);
const parseError = await runAsModule(stale.body).then(() => null, (error) => error);
assert.ok(parseError instanceof SyntaxError, "an HTML page parsed as a module script");
assert.match(parseError.message, /Unexpected token '<'/);

const { createSpaHandler, isPageRequest } = await loadSnippet();
const server = http.createServer(createSpaHandler({ root: dist }));
const missing = await get(server, "/assets/Orders-1a2b.js", "*/*");
assert.equal(missing.status, 404);
assert.match(missing.body, /Not found: \/assets\/Orders-1a2b\.js/);
const nestedRelative = await get(server, "/projects/7/assets/index-3f2a.js", "*/*");
assert.equal(nestedRelative.status, 404, "a file path is never answered with the page");
const missingCss = await get(server, "/styles/old.css", "text/css,*/*;q=0.1");
assert.equal(missingCss.status, 404);
const page = await get(server, "/projects/7/settings", "text/html,application/xhtml+xml");
assert.equal(page.status, 200);
assert.match(page.type, /text\/html/);
assert.equal(page.body, indexHtml);
const script = await get(server, "/assets/index-3f2a.js", "*/*");
assert.equal(script.status, 200);
assert.match(script.type, /^text\/javascript/);
assert.equal((await runAsModule(script.body)).mounted, true);
const style = await get(server, "/assets/index-3f2a.css", "text/css,*/*;q=0.1");
assert.match(style.type, /^text\/css/);
const escape = await get(server, "/assets/..%2F..%2F..%2Fetc%2Fpasswd", "*/*");
assert.equal(escape.status, 404);
assert.equal(isPageRequest("GET", "/projects/7/settings", "text/html"), true);
assert.equal(isPageRequest("GET", "/projects/7/settings", "application/json"), false);
assert.equal(isPageRequest("POST", "/login", "text/html"), false);
record({
  catch_all: `${stale.status} ${stale.type}`,
  parse_error: parseError.message,
  fixed: { missing_asset: missing.status, page_route: page.status, asset: script.type },
});
