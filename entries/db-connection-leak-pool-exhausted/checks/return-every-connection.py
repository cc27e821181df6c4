"""A real bounded pool of SQLite connections: error-path leaks exhaust it; the context manager does not."""

import queue
import sqlite3
import tempfile
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
pooled_connection, LeakDetector = ns["pooled_connection"], ns["LeakDetector"]

DB = str(Path(tempfile.mkdtemp()) / "app.db")
with sqlite3.connect(DB) as setup:
    setup.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    setup.executemany("INSERT INTO users VALUES (?, ?)", [(i, f"user{i}") for i in range(10)])
setup.close()


class PoolTimeout(Exception):
    pass


class Pool:
    """Stands in for the application's pool (psycopg2/SQLAlchemy QueuePool): 5 connections, blocking getconn."""

    def __init__(self, size: int = 5, timeout: float = 0.02) -> None:
        self.timeout = timeout
        self._idle: queue.Queue = queue.Queue()
        for _ in range(size):
            self._idle.put(sqlite3.connect(DB, check_same_thread=False))

    def getconn(self) -> sqlite3.Connection:
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolTimeout(f"couldn't get a connection after {self.timeout:.2f} sec") from None

    def putconn(self, conn: sqlite3.Connection) -> None:
        self._idle.put_nowait(conn)

    def idle(self) -> int:
        return self._idle.qsize()


def requests_for(n: int) -> list[object]:
    """Every third request has bad input (a non-integer id makes the query raise)."""
    return [i % 10 if i % 3 else "not-a-number" for i in range(n)]


def handler_wrong(pool: Pool, user_id: object) -> str:
    conn = pool.getconn()
    row = conn.execute("SELECT name FROM users WHERE id = ?", (int(user_id),)).fetchone()
    pool.putconn(conn)
    return row[0]


def handler_right(pool, user_id: object) -> str:
    with pooled_connection(pool) as conn:
        row = conn.execute("SELECT name FROM users WHERE id = ?", (int(user_id),)).fetchone()
    return row[0]


def serve(handler, pool, n: int) -> dict[str, int]:
    counts = {"ok": 0, "bad_input": 0, "pool_timeout": 0}
    for user_id in requests_for(n):
        try:
            handler(pool, user_id)
            counts["ok"] += 1
        except ValueError:
            counts["bad_input"] += 1
        except PoolTimeout:
            counts["pool_timeout"] += 1
    return counts


N = 60
wrong_pool = Pool()
wrong = serve(handler_wrong, wrong_pool, N)
assert wrong_pool.idle() == 0, "every connection leaked"
assert wrong == {"ok": 8, "bad_input": 5, "pool_timeout": N - 13}, wrong  # 5 errors, then no service
# Nothing is running, yet the pool stays empty: only a restart gives the connections back.
time.sleep(0.3)
assert wrong_pool.idle() == 0

right_pool = Pool()
right = serve(handler_right, right_pool, N)
assert right == {"ok": 40, "bad_input": 20, "pool_timeout": 0}, right
assert right_pool.idle() == 5

# The leak detector names the line that leaked and stays quiet for returned connections.
reports: list[str] = []
detector = LeakDetector(Pool(), threshold=0.05, report=reports.append)
handler_right(detector, 3)
for user_id in ("x", "y"):
    try:
        handler_wrong(detector, user_id)
    except ValueError:
        pass
assert detector.checked_out() == 2
assert detector.scan() == 0  # not yet past the threshold
time.sleep(0.1)
assert detector.scan() == 2 and len(reports) == 2
assert all("handler_wrong" in r and "handler_right" not in r for r in reports), reports[0]

record(
    requests=N,
    leaking_pool_timeouts=wrong["pool_timeout"],
    leaking_idle_connections_after=wrong_pool.idle(),
    fixed_pool_timeouts=right["pool_timeout"],
    fixed_idle_connections_after=right_pool.idle(),
    leaks_reported=len(reports),
)
