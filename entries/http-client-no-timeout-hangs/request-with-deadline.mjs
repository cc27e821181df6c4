// Node's http.request and fetch wait forever by default for a server that accepted the
// connection but never answers. Give every request a deadline with an AbortSignal; it aborts
// the socket too, so nothing is left hanging.
import { request } from "node:http";

export function getWithDeadline(options, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = request({ ...options, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
// With fetch: await fetch(url, { signal: AbortSignal.timeout(10_000) })
