// One database pool or client per process (pg.Pool, PrismaClient, a mysql2 pool, MongoClient),
// kept on globalThis so that a module evaluated again (next dev / Vite hot reload, a bundler
// that duplicates the module) reuses it instead of opening another pool; closed at shutdown.
//
// WRONG: a pool per request, or per evaluation of the module:
//   export async function GET(req) {
//     const pool = new pg.Pool();              // a new pool per request, never ended:
//     const { rows } = await pool.query(sql);  // its client stays open, idle, on the server
//   }
//   export const prisma = new PrismaClient();  // next dev re-runs this on every reload:
//   // "warn(prisma-client) This is the 10th instance of Prisma Client being started."

const KEY = Symbol.for("app.db.pool"); // the same key in every evaluation of this module

export function getPool() {
  // createPool is your application's one factory, for example
  // () => new pg.Pool({ max: 10 }) or () => new PrismaClient()
  globalThis[KEY] ??= createPool();
  return globalThis[KEY];
}

export async function closePool() {
  const pool = globalThis[KEY];
  delete globalThis[KEY];
  if (!pool) return;
  if (typeof pool.$disconnect === "function") await pool.$disconnect(); // PrismaClient
  else if (typeof pool.end === "function") await pool.end(); // pg.Pool, mysql2
  else await pool.close(); // MongoClient
}
