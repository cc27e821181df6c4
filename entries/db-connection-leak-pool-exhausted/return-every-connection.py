"""Return every pooled connection on every path, and let the pool report the ones that are not."""

import contextlib
import threading
import time
import traceback

# WRONG: the connection goes back only on the happy path.
#     conn = pool.getconn()
#     cur = conn.cursor()
#     cur.execute("SELECT ... WHERE id = %s", (user_id,))   # raises -> putconn never runs
#     row = cur.fetchone()
#     pool.putconn(conn)
# Each exception (bad input, a constraint error, a client disconnect) keeps one connection
# checked out forever; after pool-size errors every request waits for a connection that
# nobody will ever return, until the process restarts.


@contextlib.contextmanager
def pooled_connection(pool):
    """RIGHT: check out, and always check back in, even when the body raises."""
    conn = pool.getconn()
    try:
        yield conn
    finally:
        pool.putconn(conn)


class LeakDetector:
    """Wrap a pool (getconn/putconn) and report connections held longer than `threshold` seconds,
    with the stack that checked them out: the idea of HikariCP's leakDetectionThreshold."""

    def __init__(self, pool, threshold: float = 30.0, report=print):
        self._pool, self._threshold, self._report = pool, threshold, report
        self._out: dict[int, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def getconn(self):
        conn = self._pool.getconn()
        where = "".join(traceback.format_stack(limit=6)[:-1])
        with self._lock:
            self._out[id(conn)] = (time.monotonic(), where)
        return conn

    def putconn(self, conn) -> None:
        with self._lock:
            self._out.pop(id(conn), None)
        self._pool.putconn(conn)

    def checked_out(self) -> int:
        with self._lock:
            return len(self._out)

    def scan(self) -> int:
        """Report every connection out for longer than the threshold; call it from a timer."""
        now = time.monotonic()
        with self._lock:
            leaks = [(now - since, where) for since, where in self._out.values() if now - since > self._threshold]
        for held, where in leaks:
            self._report(f"Connection leak suspected: checked out {held:.1f}s ago at\n{where}")
        return len(leaks)
