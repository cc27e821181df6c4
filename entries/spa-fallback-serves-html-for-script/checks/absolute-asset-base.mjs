// The built index.html refers to its entry script as `${base}assets/index-3f2a.js`. The browser
// resolves that against the page's URL: with base "./" a reload on the nested route
// /projects/7/settings asks for /projects/7/assets/index-3f2a.js, the SPA fallback answers with
// index.html, and the "script" fails to parse ("Unexpected token '<'"). With the snippet's
// absolute base the same page loads /assets/index-3f2a.js on every route.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadSnippet, record } from "./errata_check.mjs";

const dir = mkdtempSync("/tmp/base-");
const files = { "/assets/index-3f2a.js": "export const mounted = true;\n" };
const page = (base) => `<!DOCTYPE html><html><head><script type="module" src="${base}assets/index-3f2a.js"></script></head></html>`;
/** nginx `try_files $uri /index.html`: the file when it exists, else the page (200 text/html). */
const serve = (pathname, base) => files[pathname] !== undefined
  ? { type: "text/javascript", body: files[pathname] }
  : { type: "text/html", body: page(base) };
/** What the browser does with <script type="module" src=...> on the page at `pageUrl`. */
async function loadEntry(base, pageUrl) {
  const src = /src="([^"]+)"/.exec(page(base))[1];
  const { pathname } = new URL(src, pageUrl);
  const { type, body } = serve(pathname, base);
  const file = join(dir, `${encodeURIComponent(pathname)}-${base.length}.mjs`);
  writeFileSync(file, body);
  const result = await import(pathToFileURL(file).href).then(() => "ran", (error) => error.message);
  return { pathname, type, result };
}

const wrongHome = await loadEntry("./", "https://shop.test/");
assert.deepEqual(wrongHome, { pathname: "/assets/index-3f2a.js", type: "text/javascript", result: "ran" });
const wrongNested = await loadEntry("./", "https://shop.test/projects/7/settings");
assert.equal(wrongNested.pathname, "/projects/7/assets/index-3f2a.js");
assert.equal(wrongNested.type, "text/html");
assert.match(wrongNested.result, /Unexpected token '<'/);

const config = (await loadSnippet()).default;
assert.ok(config.base.startsWith("/"), "an absolute base");
for (const url of ["https://shop.test/", "https://shop.test/projects/7/settings", "https://shop.test/a/b/c/d"]) {
  const fixed = await loadEntry(config.base, url);
  assert.deepEqual(fixed, { pathname: "/assets/index-3f2a.js", type: "text/javascript", result: "ran" });
}
record({ relative_base_nested: wrongNested, absolute_base: config.base });
