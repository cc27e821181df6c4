// http.request's `timeout` option (and req.setTimeout) is an idle timer on the socket: every
// chunk a trickling server sends resets it, and when it fires it only emits 'timeout'. A
// deadline that is cleared once the headers arrive leaves the body unbounded too. One
// AbortSignal.timeout for the whole call, kept until the body has ended, bounds all of it.
import { request } from "node:http";

export function getWithDeadline(options, deadlineMs) {
  const signal = AbortSignal.timeout(deadlineMs); // lookup, connect, headers AND body
  return new Promise((resolve, reject) => {
    const req = request({ ...options, signal }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
      res.on("aborted", () => reject(signal.reason ?? new Error("response aborted")));
    });
    req.on("error", reject);
    req.end();
  });
}
// With fetch, read the body under the same signal:
//   const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
//   const text = await res.text(); // rejects with TimeoutError when the deadline passes
