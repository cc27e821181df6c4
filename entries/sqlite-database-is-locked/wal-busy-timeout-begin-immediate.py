"""SQLite with several writers: WAL, a busy timeout, BEGIN IMMEDIATE, short transactions."""

import contextlib
import sqlite3

# WRONG: a deferred transaction that reads, then writes.
#     conn.execute("BEGIN")                      # deferred: takes no write lock yet
#     n = conn.execute("SELECT n FROM counters WHERE id = 1").fetchone()[0]
#     conn.execute("UPDATE counters SET n = ? WHERE id = 1", (n + 1,))  # upgrade to writer
#     conn.execute("COMMIT")
# Two connections that both read first cannot both upgrade: the loser gets
# "sqlite3.OperationalError: database is locked" at once, whatever the timeout (its snapshot is stale).


def connect(path: str, busy_timeout_s: float = 5.0) -> sqlite3.Connection:
    """One connection per thread, in autocommit mode so transactions begin where we say."""
    conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor the writer them
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")  # wait for the lock, don't fail
    conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
    return conn


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection):
    """BEGIN IMMEDIATE takes the write lock first (waiting up to busy_timeout), so reads inside are
    never stale and the commit cannot fail with 'database is locked'. Keep the body short: no network,
    no LLM calls, no sleeps inside; compute first, then open the transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def increment(conn: sqlite3.Connection, counter_id: int) -> int:
    """Read-modify-write done right."""
    with write_transaction(conn):
        (n,) = conn.execute("SELECT n FROM counters WHERE id = ?", (counter_id,)).fetchone()
        conn.execute("UPDATE counters SET n = ? WHERE id = ?", (n + 1, counter_id))
    return n + 1
