// WRONG: a keep-alive agent whose idle sockets outlive the server's keep-alive timeout:
//   const agent = new http.Agent({ keepAlive: true });  // idle sockets kept forever
//   (Node >= 19's global agent keeps them 5 s: as long as a Node server's default keepAliveTimeout)
// The server (or the load balancer, NAT or proxy in front of it) drops the idle connection after
// its own timeout; the next request written on it fails at once:
//   Error: socket hang up { code: 'ECONNRESET' }  /  read ECONNRESET  (req.reusedSocket === true)
// and the same request sent again on a new connection succeeds.
import http from "node:http";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const STALE_SOCKET = new Set(["ECONNRESET", "EPIPE"]);

// 1. Client: drop idle sockets before the server does. serverKeepAliveMs is the shortest idle
// timeout on the way (server keepAliveTimeout, nginx keepalive_timeout, load balancer idle).
export function keepAliveAgent({ serverKeepAliveMs, marginMs = 1000, ...options }) {
  const timeout = Math.max(serverKeepAliveMs - marginMs, Math.floor(serverKeepAliveMs / 2));
  return new http.Agent({ keepAlive: true, ...options, timeout });
}

// One request: resolves { status, body, reusedSocket }; a failure carries error.reusedSocket.
export function send(options, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), reusedSocket: req.reusedSocket }));
      res.on("error", reject);
    });
    req.on("error", (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

// 2. Retry once, and only where it is safe: the request went out on a reused socket (it never
// reached a live server) and its method is idempotent (or the caller says the request is).
export async function requestWithRetry(options, body, { retries = 1, idempotent } = {}) {
  const safe = idempotent ?? IDEMPOTENT.has((options.method ?? "GET").toUpperCase());
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send(options, body);
    } catch (error) {
      const stale = error.reusedSocket && STALE_SOCKET.has(error.code);
      if (!stale || !safe || attempt >= retries) throw error;
    }
  }
}

// 3. Server behind a load balancer (AWS ALB idle timeout 60 s by default): keep idle connections
// open longer than the balancer does, so the balancer, not the app, closes them.
export function outliveLoadBalancer(server, { loadBalancerIdleMs = 60_000, marginMs = 5_000 } = {}) {
  server.keepAliveTimeout = loadBalancerIdleMs + marginMs;
  server.headersTimeout = server.keepAliveTimeout + 1_000;
  return server;
}

// Usage:
//   const agent = keepAliveAgent({ serverKeepAliveMs: 5_000 });  // a Node server's default
//   const { body } = await requestWithRetry({ host, path: "/items", agent });
//   outliveLoadBalancer(app.listen(8080), { loadBalancerIdleMs: 60_000 });  // 65 s / 66 s
