// listen() on a Unix socket path fails with EADDRINUSE both when a server is alive there and
// when a crashed one left its socket file behind. Probe the path: a refused connection means
// the file is stale and can go; a live answer means another instance owns it, so refuse.
// (For TCP: find the other listener with `ss -ltnp` / `lsof -i :PORT`, and use port 0 in tests.)
import { createConnection } from "node:net";
import { lstatSync, unlinkSync } from "node:fs";

const listen = (server, path) => new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(path, () => { server.off("error", reject); resolve(server); });
});

const isAlive = (path) => new Promise((resolve) => {
  const probe = createConnection(path);
  probe.once("connect", () => { probe.destroy(); resolve(true); });
  probe.once("error", () => resolve(false));
});

export async function listenUnix(server, path) {
  try {
    return await listen(server, path);
  } catch (error) {
    if (error.code !== "EADDRINUSE") throw error;
    if (!lstatSync(path).isSocket() || (await isAlive(path))) throw error;
    unlinkSync(path); // stale: nobody accepts on it
    return listen(server, path);
  }
}
