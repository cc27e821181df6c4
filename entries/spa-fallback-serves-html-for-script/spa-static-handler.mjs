// WRONG: a catch-all that answers every unknown path with index.html, e.g.
//   nginx:   location / { try_files $uri /index.html; }
//   Express: app.get("*", (req, res) => res.sendFile(indexHtml));
// A missing /assets/app-3f2a.js (a relative base on a nested route, or a chunk the last deploy
// deleted) then comes back as 200 text/html, and the browser reports
//   Uncaught SyntaxError: Unexpected token '<'   or
//   Failed to load module script: Expected a JavaScript module script but the server responded
//   with a MIME type of "text/html"
// Serve index.html only for page navigations; a missing file is a 404.
//   nginx:   location /assets/ { try_files $uri =404; }  location / { try_files $uri /index.html; }
//   Express: app.use("/assets", express.static("dist/assets", { fallthrough: false }));
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** A client-side route: GET/HEAD, no file extension, not under the asset folder, wants HTML. */
export function isPageRequest(method, pathname, accept = "", assetPrefix = "/assets/") {
  if (method !== "GET" && method !== "HEAD") return false;
  if (extname(pathname) !== "" || pathname.startsWith(assetPrefix)) return false;
  return accept === "" || accept.includes("text/html");
}

async function readInside(root, pathname) {
  const file = normalize(join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(normalize(root) + sep)) return null;
  try {
    return { file, body: await readFile(file) };
  } catch {
    return null; // missing, or a folder
  }
}

/** A node:http request listener serving `root` with an SPA fallback limited to page routes. */
export function createSpaHandler({ root, index = "index.html", assetPrefix = "/assets/" }) {
  return async (req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    const found = await readInside(root, pathname);
    if (found) {
      const immutable = pathname.startsWith(assetPrefix);
      res.writeHead(200, {
        "Content-Type": TYPES[extname(found.file)] ?? "application/octet-stream",
        "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      });
      return res.end(found.body);
    }
    if (isPageRequest(req.method, pathname, req.headers.accept, assetPrefix)) {
      res.writeHead(200, { "Content-Type": TYPES[".html"], "Cache-Control": "no-cache" });
      return res.end(await readFile(join(root, index)));
    }
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(`Not found: ${pathname}\n`);
  };
}
