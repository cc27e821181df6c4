"""A real bounded pool of SQLite connections under 16 concurrent workers: a pool of 5 makes
workers time out with no leak at all; the pool sized by the snippet serves every worker."""

import queue
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from errata_check import load_snippet, record

pool_settings = load_snippet()["pool_settings"]

DB = str(Path(tempfile.mkdtemp()) / "app.db")
with sqlite3.connect(DB) as setup:
    setup.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)")
    setup.executemany("INSERT INTO orders VALUES (?, ?)", [(i, i * 10) for i in range(50)])
setup.close()

WORKERS = 16
HOLD = 0.2  # a short query plus its request's work, while the connection is checked out
TIMEOUT = 0.05  # the pool's checkout timeout, scaled down like the hold


class PoolTimeout(Exception):
    pass


class Pool:
    """Stands in for QueuePool / HikariCP: `size` connections, a blocking checkout with a timeout."""

    def __init__(self, size: int, timeout: float) -> None:
        self.timeout = timeout
        self._idle: queue.Queue = queue.Queue()
        for _ in range(size):
            self._idle.put(sqlite3.connect(DB, check_same_thread=False))

    def getconn(self) -> sqlite3.Connection:
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolTimeout(f"pool limit reached, timeout {self.timeout:.2f}") from None

    def putconn(self, conn: sqlite3.Connection) -> None:
        self._idle.put_nowait(conn)

    def idle(self) -> int:
        return self._idle.qsize()


def peak(pool: Pool) -> dict[str, int]:
    """WORKERS requests at once, each returning its connection in a finally (no leak)."""
    counts = {"ok": 0, "pool_timeout": 0}
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def request(i: int) -> None:
        start.wait()
        try:
            conn = pool.getconn()
        except PoolTimeout:
            with lock:
                counts["pool_timeout"] += 1
            return
        try:
            conn.execute("SELECT total FROM orders WHERE id = ?", (i,)).fetchone()
            time.sleep(HOLD)
        finally:
            pool.putconn(conn)
        with lock:
            counts["ok"] += 1

    threads = [threading.Thread(target=request, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


small = Pool(size=5, timeout=TIMEOUT)
undersized = peak(small)
assert undersized["pool_timeout"] >= WORKERS - 5 - 3, undersized  # most of the other 11 fail
assert small.idle() == 5  # every connection came back: not a leak

settings = pool_settings(concurrency=WORKERS, processes=1, max_connections=100)
assert settings["pool_size"] + settings["max_overflow"] >= WORKERS, settings
sized = Pool(size=settings["pool_size"] + settings["max_overflow"], timeout=TIMEOUT)
fixed = peak(sized)
assert fixed == {"ok": WORKERS, "pool_timeout": 0}, fixed

# Pools over every process must fit the server: 8 processes x 32 workers > 100 - reserved.
try:
    pool_settings(concurrency=32, processes=8, max_connections=100)
except ValueError as exc:
    assert "PgBouncer" in str(exc) or "bound the concurrency" in str(exc), exc
else:
    raise AssertionError("a plan needing 256 connections of a server that accepts 100 passed")
within = pool_settings(concurrency=24, processes=4, max_connections=100)
assert within["pool_size"] * 4 <= 100

record(
    workers=WORKERS,
    undersized_pool=5,
    undersized_timeouts=undersized["pool_timeout"],
    sized_pool=settings["pool_size"],
    sized_timeouts=fixed["pool_timeout"],
)
