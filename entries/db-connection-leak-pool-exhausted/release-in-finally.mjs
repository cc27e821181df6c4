// Give a pooled connection back on every path: acquire, then try/finally release. An error (or
// an early return) between acquire and release otherwise leaks it, until the pool is empty and
// every caller waits (pg: "timeout exceeded when trying to connect", knex: "Knex: Timeout
// acquiring a connection. The pool is probably full.").
export async function withConnection(pool, work) {
  const connection = await pool.connect();
  try {
    return await work(connection);
  } finally {
    connection.release();
  }
}
