// "connect ECONNREFUSED 127.0.0.1:5432": the host answered and nothing listens there. The service
// is not started, listens on another port or only on ::1 / 127.0.0.1, the app runs in a container
// where localhost is the container itself (use the compose service name), or it started before
// the service was ready. Take the address from the environment and wait for it with a deadline.
import { createConnection } from "node:net";

export class ServiceUnreachable extends Error {}

const RETRYABLE = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "ETIMEDOUT"]);

export const describe = (address) => address.path ?? `${address.host}:${address.port}`;

// { host, port } from PREFIX_HOST / PREFIX_PORT, so a compose file can say DB_HOST=db.
export function serviceAddress(prefix, defaultHost, defaultPort, env = process.env) {
  return { host: env[`${prefix}_HOST`] ?? defaultHost, port: Number(env[`${prefix}_PORT`] ?? defaultPort) };
}

function connectOnce(address, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = createConnection(address);
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" })), timeoutMs);
    socket.once("connect", () => { clearTimeout(timer); socket.end(); resolve(); });
    socket.once("error", (error) => { clearTimeout(timer); socket.destroy(); reject(error); });
  });
}

// Resolves once something accepts connections at address ({ host, port } or { path } of a Unix
// socket); retries refusals until the deadline, then rejects naming the address. Other errors
// (an unknown host name, a permission error) are not a service still starting: rejected at once.
export async function waitForService(address, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connectOnce(address, Math.max(100, Math.min(2_000, deadline - Date.now())));
    } catch (error) {
      const where = describe(address);
      if (!RETRYABLE.has(error.code)) {
        throw new ServiceUnreachable(`cannot connect to ${where}: ${error.code ?? error.message}`, { cause: error });
      }
      if (Date.now() + intervalMs > deadline) {
        throw new ServiceUnreachable(
          `nothing accepts connections at ${where} after ${timeoutMs} ms (last error: ${error.code}); ` +
            "is the service running, on this host and port? In a container, localhost is the container itself: use the service name",
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

// At start-up, before the pool's first query (and catch it: an unawaited connect() that rejects
// ends as an unhandled rejection):
//   const db = serviceAddress("DB", "localhost", 5432);   // DB_HOST=db in docker-compose.yml
//   await waitForService(db, { timeoutMs: 60_000 });
