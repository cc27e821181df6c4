// ioredis / node-redis: one client per process, made once and shared by every request. Each
// `new Redis()` / `createClient()` is a connection of its own (plus a reconnect loop); made in a
// handler and never quit, they pile up on the server until it answers every new one with
// "ERR max number of clients reached". A Redis client multiplexes: one serves all requests.
//
// WRONG:
//   export async function GET(req) {
//     const redis = new Redis(process.env.REDIS_URL); // a new connection per request
//     return Response.json(await redis.get(key));     // never quit: it stays open
//   }

const KEY = Symbol.for("app.redis.client"); // the same key in every evaluation of this module

export function getRedis() {
  // createRedisClient is the application's one factory, for example
  //   () => new Redis(process.env.REDIS_URL)                       (ioredis)
  //   () => createClient({ url: process.env.REDIS_URL }).on("error", console.error)
  //   and `await client.connect()` once before first use          (node-redis 4+)
  // On globalThis, a module evaluated again (next dev / Vite hot reload) reuses it.
  globalThis[KEY] ??= createRedisClient();
  return globalThis[KEY];
}

export async function closeRedis() {
  const client = globalThis[KEY];
  delete globalThis[KEY];
  if (client) await client.quit(); // at shutdown: SIGTERM handler, test teardown
}
