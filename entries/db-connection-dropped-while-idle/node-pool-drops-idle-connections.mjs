// WRONG: one connection opened at start-up and kept for the life of the process, or a pool that
// keeps idle connections longer than the server or the network keeps them:
//   const db = await mysql.createConnection(config);   // reused by every request for days
//   const pool = mysql.createPool(config);             // mysql2: idleTimeout does nothing while
//                                                      // maxIdle == connectionLimit (the default)
// After a quiet period MySQL's wait_timeout (8 h), a PgBouncer or RDS Proxy idle timeout, or a
// firewall or NAT that forgot the idle flow has ended the connection; the next query fails:
//   Error: Can't add new command when connection is in closed state        (mysql2)
//   Error: Connection lost: The server closed the connection.  code: 'PROTOCOL_CONNECTION_LOST'
//   Error: Connection terminated unexpectedly                              (pg)
// and the same query on a new connection works.

// A pool that hands out only connections it can trust: closed ones are dropped when they close,
// idle ones are retired before the shortest idle timeout on the way, and one idle longer than
// validateIdleMs is pinged first. connect() resolves a connection with query(sql), ping(),
// destroy() and a "close" event (an EventEmitter, as mysql2 and pg connections are).
export function createCheckedPool({
  connect,
  maxIdleMs, // below the shortest idle timeout: wait_timeout, proxy, firewall, NAT
  maxLifetimeMs = Infinity,
  validateIdleMs = 0, // ping a connection idle longer than this before handing it out
  size = 5,
  reapEveryMs = Math.max(Math.floor(maxIdleMs / 2), 10),
}) {
  const idle = [];
  const stats = { opened: 0, retired: 0, foundDead: 0, droppedOnClose: 0 };

  async function open() {
    const conn = await connect();
    stats.opened += 1;
    const entry = { conn, created: Date.now(), lastUsed: Date.now(), closed: false };
    conn.once("close", () => {
      entry.closed = true;
      const at = idle.indexOf(entry);
      if (at >= 0) {
        idle.splice(at, 1);
        stats.droppedOnClose += 1;
      }
    });
    return entry;
  }

  const expired = (entry, now) =>
    now - entry.lastUsed > maxIdleMs || now - entry.created > maxLifetimeMs;

  async function acquire() {
    while (idle.length > 0) {
      const entry = idle.pop();
      if (entry.closed) continue;
      if (expired(entry, Date.now())) {
        stats.retired += 1;
        entry.conn.destroy();
        continue;
      }
      if (Date.now() - entry.lastUsed > validateIdleMs) {
        try {
          await entry.conn.ping();
        } catch {
          stats.foundDead += 1;
          entry.conn.destroy();
          continue;
        }
      }
      return entry;
    }
    return open();
  }

  function release(entry, failed) {
    entry.lastUsed = Date.now();
    if (failed || entry.closed || idle.length >= size) {
      entry.conn.destroy();
      return;
    }
    idle.push(entry);
  }

  // Retire idle connections in the background too, as mysql2's pool does with idleTimeout.
  const reaper = setInterval(() => {
    const now = Date.now();
    for (const entry of [...idle]) {
      if (expired(entry, now)) {
        idle.splice(idle.indexOf(entry), 1);
        stats.retired += 1;
        entry.conn.destroy();
      }
    }
  }, reapEveryMs);
  reaper.unref();

  return {
    stats,
    async query(sql) {
      const entry = await acquire();
      try {
        const result = await entry.conn.query(sql);
        release(entry, false);
        return result;
      } catch (error) {
        // A connection-level error (fatal, or the connection closed) is never put back.
        release(entry, Boolean(error.fatal) || entry.closed);
        throw error;
      }
    },
    end() {
      clearInterval(reaper);
      for (const entry of idle.splice(0)) entry.conn.destroy();
    },
  };
}

// Options for the real drivers, from the shortest idle timeout on the way (ms).
export function mysql2PoolOptions({ shortestIdleTimeoutMs, connectionLimit = 10 }) {
  return {
    connectionLimit,
    // mysql2 starts its idle reaper only when maxIdle < connectionLimit; then it closes free
    // connections idle longer than idleTimeout (checked every second).
    maxIdle: Math.max(connectionLimit - 1, 0),
    idleTimeout: Math.floor(shortestIdleTimeoutMs * 0.9),
    enableKeepAlive: true, // TCP keepalive: keeps NAT and firewall mappings, not wait_timeout
    keepAliveInitialDelay: 10_000,
  };
}

export function pgPoolOptions({ shortestIdleTimeoutMs }) {
  return {
    idleTimeoutMillis: Math.floor(shortestIdleTimeoutMs * 0.9), // pg's default is 10 s
    maxLifetimeSeconds: Math.floor(shortestIdleTimeoutMs / 1000 / 2) || 1,
  };
}
// pg: also add pool.on("error", (err) => log(err)) so that an idle client the server closes
// ("Connection terminated unexpectedly") is dropped instead of crashing the process with an
// unhandled 'error' event. mysql2: pool.query() / pool.execute() per request, never one
// connection from createConnection() kept for the life of the process.
