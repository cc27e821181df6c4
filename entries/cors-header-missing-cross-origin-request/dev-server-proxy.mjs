// Let the page call its own origin: the dev server forwards /api to the backend, so the browser
// makes a same-origin request and no CORS check applies (what Vite's server.proxy, webpack-dev-
// server's proxy and CRA's "proxy" do; nginx or any reverse proxy does the same in production).
import { request } from "node:http";

// WRONG: the page calls the backend's origin directly while the backend sends no CORS headers:
//   fetch("http://localhost:8000/api/items")   // page on http://localhost:3000
//   -> blocked by CORS policy: No 'Access-Control-Allow-Origin' header ... TypeError: Failed to fetch
// RIGHT: fetch("/api/items"), a relative URL the dev server proxies.

// vite.config.js, the usual way to get this:
//   export default { server: { proxy: { "/api": { target: "http://localhost:8000", changeOrigin: true } } } };
//   (webpack-dev-server: devServer.proxy; Create React App: "proxy": "http://localhost:8000")
// In the code, read the base URL from one place: const API = import.meta.env.VITE_API_URL ?? "";

const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"];

/**
 * A request handler that forwards paths under `prefix` to `target` ({ host, port } or
 * { socketPath }) and passes everything else to `next` (the dev server's own pages and assets).
 */
export function createDevProxy({ prefix = "/api", target, changeOrigin = true, next }) {
  return (req, res) => {
    if (req.url !== prefix && !req.url.startsWith(prefix + "/")) return next(req, res);
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    if (changeOrigin) headers.host = target.host ? `${target.host}:${target.port}` : "localhost";
    const upstream = request({ ...target, method: req.method, path: req.url, headers }, (reply) => {
      res.writeHead(reply.statusCode, reply.headers);
      reply.pipe(res);
    });
    upstream.on("error", (error) => {
      // The backend is down or on another port: say so instead of a bare 500.
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`dev proxy: ${prefix} -> ${target.socketPath ?? `${target.host}:${target.port}`}: ${error.code}`);
    });
    req.pipe(upstream);
  };
}
