"""Six processes, each with its own pool, against one server that accepts 40 connections (3
reserved): the default pools get connections refused by the server though no pool is over its
size and nothing leaks; pools sized by the snippet serve every request."""

import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
pool_size_per_process = ns["pool_size_per_process"]
assert_pools_fit = ns["assert_pools_fit"]

MAX_CONNECTIONS = 40
RESERVED = 3  # superuser_reserved_connections
PROCESSES = 6
REQUESTS_PER_PROCESS = 15  # concurrent requests in each process at peak
HOLD = 0.2  # seconds a request keeps its connection


class TooManyConnections(Exception):
    """What the driver raises when the server refuses the connection (SQLSTATE 53300)."""


class Server:
    """Stands in for PostgreSQL: counts backends, refuses past max_connections - reserved."""

    def __init__(self, max_connections: int, reserved: int) -> None:
        self.limit = max_connections - reserved
        self.open = 0
        self.peak = 0
        self.refused = 0
        self._lock = threading.Lock()

    def connect(self) -> object:
        with self._lock:
            if self.open >= self.limit:
                self.refused += 1
                raise TooManyConnections(
                    "FATAL:  remaining connection slots are reserved for non-replication "
                    "superuser connections"
                )
            self.open += 1
            self.peak = max(self.peak, self.open)
            return object()


class Pool:
    """One process's pool (QueuePool-like): opens up to `size` connections, then callers wait."""

    def __init__(self, server: Server, size: int) -> None:
        self.server = server
        self.size = size
        self.created = 0
        self.checked_out = 0
        self._idle: list[object] = []
        self._cond = threading.Condition()

    def checkout(self) -> object:
        with self._cond:
            deadline = time.monotonic() + 10
            while not self._idle and self.created >= self.size:
                if not self._cond.wait(timeout=deadline - time.monotonic()):
                    raise TimeoutError("pool checkout timed out")
            if self._idle:
                self.checked_out += 1
                return self._idle.pop()
            self.created += 1  # reserve the slot, then connect outside the lock
        try:
            conn = self.server.connect()
        except TooManyConnections:
            with self._cond:
                self.created -= 1
                self._cond.notify()
            raise
        with self._cond:
            self.checked_out += 1
        return conn

    def checkin(self, conn: object) -> None:
        with self._cond:
            self.checked_out -= 1
            self._idle.append(conn)
            self._cond.notify()


def peak_traffic(pool_size: int) -> tuple[Server, list[Pool], dict[str, int]]:
    """Every process serves its concurrent requests at once; each returns its connection."""
    server = Server(MAX_CONNECTIONS, RESERVED)
    pools = [Pool(server, pool_size) for _ in range(PROCESSES)]
    counts = {"ok": 0, "refused": 0}
    lock = threading.Lock()
    start = threading.Barrier(PROCESSES * REQUESTS_PER_PROCESS)

    def request(pool: Pool) -> None:
        start.wait()
        try:
            conn = pool.checkout()
        except TooManyConnections:
            with lock:
                counts["refused"] += 1
            return
        try:
            time.sleep(HOLD)
        finally:
            pool.checkin(conn)
        with lock:
            counts["ok"] += 1

    threads = [
        threading.Thread(target=request, args=(pool,))
        for pool in pools
        for _ in range(REQUESTS_PER_PROCESS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return server, pools, counts


# WRONG: SQLAlchemy's default pool (5 + 10 overflow) in each of the 6 processes.
server, pools, default = peak_traffic(pool_size=5 + 10)
assert default["refused"] >= 30, default  # 90 wanted, 37 accepted
assert server.peak == MAX_CONNECTIONS - RESERVED, server.peak
assert all(p.created <= 15 and p.checked_out == 0 for p in pools)  # within size, nothing leaked

# RIGHT: the pool size comes from the server's limit and the number of processes.
size = pool_size_per_process(MAX_CONNECTIONS, PROCESSES, reserved=RESERVED)
assert size == 6, size
assert_pools_fit(PROCESSES, size, 0, MAX_CONNECTIONS, reserved=RESERVED)
server, pools, fixed = peak_traffic(pool_size=size)
assert fixed == {"ok": PROCESSES * REQUESTS_PER_PROCESS, "refused": 0}, fixed
assert server.refused == 0 and server.peak <= MAX_CONNECTIONS - RESERVED, server.peak

# The default configuration is refused at start instead of at peak traffic.
try:
    assert_pools_fit(PROCESSES, 5, 10, MAX_CONNECTIONS, reserved=RESERVED)
except RuntimeError as exc:
    assert "90" in str(exc), exc
else:
    raise AssertionError("6 x (5 + 10) = 90 connections passed against a 40-connection server")
# More processes than connections: only a pooler (or fewer processes) can help.
try:
    pool_size_per_process(100, processes=200)
except ValueError as exc:
    assert "PgBouncer" in str(exc), exc
else:
    raise AssertionError("200 processes were given a pool each on a 100-connection server")

record(
    processes=PROCESSES,
    max_connections=MAX_CONNECTIONS,
    default_refused=default["refused"],
    default_peak=PROCESSES * REQUESTS_PER_PROCESS,
    sized_pool=size,
    sized_refused=fixed["refused"],
    sized_served=fixed["ok"],
    sized_server_peak=server.peak,
)
