// Timeouts sized to how long the server really takes, in Node.js: a limit for the response
// headers, one for silence between body chunks, and an overall deadline, each from the measured
// duration. Node's fetch (undici) gives up after 300 s without headers (UND_ERR_HEADERS_TIMEOUT)
// or 300 s of body silence (UND_ERR_BODY_TIMEOUT) whatever signal you pass, and a non-streamed
// answer of a local model can take longer. With fetch, raise undici's limits (npm package undici):
//   import { Agent } from "undici";
//   const dispatcher = new Agent({ headersTimeout: 15 * 60_000, bodyTimeout: 60_000 });
//   await fetch(url, { method: "POST", body, dispatcher, signal: AbortSignal.timeout(20 * 60_000) });
// or ask for a stream ("stream": true): headers come at once and only the gaps are timed.
import { request } from "node:http";

/** Limits from measured durations (ms): the slowest healthy answer x headroom, never under floorMs. */
export function sizedTimeouts(durationsMs, { headroom = 2, floorMs = 10_000, idleMs = 60_000 } = {}) {
  const headersMs = Math.max(floorMs, Math.max(0, ...durationsMs) * headroom);
  return { headersMs, idleMs, totalMs: headersMs + idleMs };
}

function timeoutError(message, code) {
  return Object.assign(new Error(message), { code });
}

/** POST a JSON body; reject if the headers, a body chunk or the whole answer take too long. */
export function postJson(options, payload, { headersMs, idleMs, totalMs }) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ ...options, method: "POST", signal: AbortSignal.timeout(totalMs),
                          headers: { "content-type": "application/json" } }, (res) => {
      clearTimeout(headersTimer);
      const headersAfterMs = performance.now() - started;
      req.setTimeout(idleMs, () => req.destroy(timeoutError(`no body data for ${idleMs} ms`, "BODY_TIMEOUT")));
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body, headersAfterMs }));
      res.on("error", reject);
    });
    const headersTimer = setTimeout(
      () => req.destroy(timeoutError(`no response headers after ${headersMs} ms`, "HEADERS_TIMEOUT")),
      headersMs,
    );
    req.on("error", (error) => {
      clearTimeout(headersTimer);
      reject(error);
    });
    req.end(JSON.stringify(payload));
  });
}
