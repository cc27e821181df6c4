// A real node:http server driven through an in-memory connection (any Duplex can be a server's
// connection; no network): raw unicode in Content-Disposition or Location throws ERR_INVALID_CHAR
// and the client gets a 500, and fetch's Headers refuses a non-latin-1 value. The snippet's values
// go out, and the client decodes the file name, the URL and the user name back exactly.
import assert from "node:assert/strict";
import http from "node:http";
import { Duplex } from "node:stream";
import { loadSnippet, record } from "./errata_check.mjs";

function request(server, path) {
  return new Promise((resolve) => {
    const chunks = [];
    const connection = new Duplex({
      read() {},
      write(chunk, encoding, done) { chunks.push(Buffer.from(chunk, encoding)); done(); },
      final(done) { done(); resolve(Buffer.concat(chunks)); },
      destroy(error, done) { resolve(Buffer.concat(chunks)); done(); },
    });
    server.emit("connection", connection);
    connection.push(`GET ${path} HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n`);
  });
}

/** Response headers as the wire carries them: latin-1 bytes, one "name: value" per line. */
function responseHeaders(raw) {
  const [head] = raw.toString("latin1").split("\r\n\r\n");
  const [status, ...lines] = head.split("\r\n");
  return { status, get: (name) => lines.find((l) => l.toLowerCase().startsWith(`${name}: `))?.slice(name.length + 2) };
}

/** What a browser saves (RFC 6266 4.3): filename* decoded when present, else filename. */
function receivedFilename(value) {
  const star = /filename\*=UTF-8''([^;\s]+)/i.exec(value);
  return star ? decodeURIComponent(star[1]) : /filename="([^"]*)"/.exec(value)[1];
}

const names = ["报告 2024.csv", "Résumé – final.pdf", "Capture d’écran (1).png", "plan-🚀.txt", "notes.txt"];
const page = "https://example.com/文档/搜索?q=数据 表#第二节";
const serve = (headers) => http.createServer((req, res) => {
  try {
    res.writeHead(200, headers(decodeURIComponent(new URL(req.url, "http://local").searchParams.get("n"))));
    res.end("id,name\n1,a\n");
  } catch (error) {
    errors.push(error);
    res.writeHead(500).end();
  }
});
const errors = [];
const wrong = serve((name) => ({ "Content-Disposition": `attachment; filename="${name}"` }));
assert.match(responseHeaders(await request(wrong, `/x?n=${encodeURIComponent(names[0])}`)).status, /500/);
assert.equal(errors[0].code, "ERR_INVALID_CHAR");
assert.equal(errors[0].message, 'Invalid character in header content ["Content-Disposition"]');
const redirect = serve(() => ({ Location: page }));
await request(redirect, "/x?n=a");
assert.equal(errors[1].message, 'Invalid character in header content ["Location"]');
assert.throws(() => new Headers({ "X-User": "张三" }),
  { name: "TypeError", message: "Cannot convert argument to a ByteString because the character at index 0 has a value of 24352 which is greater than 255." });

const { contentDisposition, asciiUrl, headerValue } = await loadSnippet();
const fixed = serve((name) => ({ "Content-Disposition": contentDisposition(name), Location: asciiUrl(page) }));
for (const name of names) {
  const head = responseHeaders(await request(fixed, `/x?n=${encodeURIComponent(name)}`));
  assert.match(head.status, /^HTTP\/1\.1 200 OK$/);
  assert.equal(receivedFilename(head.get("content-disposition")), name);
  assert.equal(decodeURI(head.get("location")), page);
}
assert.equal(errors.length, 2);
assert.equal(contentDisposition("notes.txt"), 'attachment; filename="notes.txt"');
assert.match(contentDisposition("Résumé – final.pdf"), /^attachment; filename="Resume _ final\.pdf"; filename\*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%93%20final\.pdf$/);
assert.match(contentDisposition('evil".txt'), /filename="evil_\.txt"/);
assert.equal(asciiUrl("https://bücher.example:8443/ü"), "https://xn--bcher-kva.example:8443/%C3%BC");
const headers = new Headers({ "X-User": headerValue("张三"), Referer: asciiUrl(page) });
assert.equal(decodeURIComponent(headers.get("x-user")), "张三");
assert.equal(headerValue("Ada Lovelace"), "Ada Lovelace");
record({ wrong_errors: 3, filenames_round_tripped: names.length });
