"""A stand-in for redis-py (redis is not installed in the sandbox) whose ConnectionPool and
BlockingConnectionPool behave as redis-py's do, in front of a stand-in server with maxclients.
30 threads sharing redis.Redis(max_connections=10) get "Too many connections"; a client per
request runs the server into "max number of clients reached"; the snippet's one client on a
BlockingConnectionPool serves all 30 with at most 10 connections, and its timeout still fails
loudly ("No connection available.") when every connection is held too long."""

import sys
import threading
import time
import types
from queue import Empty, LifoQueue

from errata_check import load_snippet, record

COMMAND_S = 0.05  # each command holds its connection this long


class ConnectionError(Exception):  # stands in for redis.exceptions.ConnectionError
    pass


class MaxConnectionsError(ConnectionError):
    pass


class Server:
    """Counts client connections; refuses past maxclients, as Redis does."""

    def __init__(self, maxclients: int) -> None:
        self.maxclients = maxclients
        self.connected = 0
        self.peak = 0
        self.lock = threading.Lock()

    def accept(self) -> None:
        with self.lock:
            if self.connected >= self.maxclients:
                raise ConnectionError("max number of clients reached")
            self.connected += 1
            self.peak = max(self.peak, self.connected)

    def close(self) -> None:
        with self.lock:
            self.connected -= 1


server = Server(maxclients=20)


class Connection:
    def __init__(self) -> None:
        server.accept()
        self.open = True

    def execute(self, *args):
        time.sleep(COMMAND_S)
        return b"OK"

    def disconnect(self) -> None:
        if self.open:
            self.open = False
            server.close()


class ConnectionPool:
    """redis-py's ConnectionPool: no waiting; past max_connections make_connection raises."""

    def __init__(self, max_connections=None, **kwargs) -> None:
        self.max_connections = max_connections or 2**31
        self._created_connections = 0
        self._available = []
        self._in_use = set()
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url, **kwargs):
        return cls(**kwargs)

    def get_connection(self, *args, **kwargs):
        with self._lock:
            try:
                connection = self._available.pop()
            except IndexError:
                connection = self.make_connection()
            self._in_use.add(connection)
            return connection

    def make_connection(self):
        if self._created_connections >= self.max_connections:
            raise MaxConnectionsError("Too many connections")
        self._created_connections += 1
        return Connection()

    def release(self, connection) -> None:
        with self._lock:
            self._in_use.discard(connection)
            self._available.append(connection)

    def disconnect(self) -> None:
        with self._lock:
            for connection in [*self._available, *self._in_use]:
                connection.disconnect()


class BlockingConnectionPool(ConnectionPool):
    """redis-py's BlockingConnectionPool: a LIFO queue of max_connections slots; a caller waits
    up to timeout for one, then ConnectionError("No connection available.")."""

    def __init__(self, max_connections=50, timeout=20, **kwargs) -> None:
        super().__init__(max_connections=max_connections)
        self.timeout = timeout
        self.pool = LifoQueue(max_connections)
        for _ in range(max_connections):
            self.pool.put_nowait(None)
        self._connections = []

    def get_connection(self, *args, **kwargs):
        try:
            connection = self.pool.get(block=True, timeout=self.timeout)
        except Empty:
            raise ConnectionError("No connection available.") from None
        if connection is None:
            connection = self.make_connection()
            self._connections.append(connection)
        return connection

    def release(self, connection) -> None:
        self.pool.put_nowait(connection)

    def disconnect(self) -> None:
        for connection in self._connections:
            connection.disconnect()


class Redis:
    def __init__(self, host="localhost", port=6379, connection_pool=None, max_connections=None):
        self.connection_pool = connection_pool or ConnectionPool(max_connections=max_connections)

    def set(self, key, value):
        connection = self.connection_pool.get_connection("SET")
        try:
            return connection.execute("SET", key, value)
        finally:
            self.connection_pool.release(connection)


redis_module = types.ModuleType("redis")
redis_module.ConnectionPool = ConnectionPool
redis_module.BlockingConnectionPool = BlockingConnectionPool
redis_module.Redis = Redis
redis_module.ConnectionError = ConnectionError
sys.modules["redis"] = redis_module


def run_requests(handler, n: int = 30) -> tuple[int, list[str]]:
    """n concurrent requests (threads of a web server or a worker pool)."""
    errors: list[str] = []
    ok = [0]
    lock = threading.Lock()

    def one(i: int) -> None:
        try:
            handler(i)
            with lock:
                ok[0] += 1
        except ConnectionError as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return ok[0], errors


# WRONG 1: one shared client, plain pool capped at 10: callers 11..30 fail at once.
shared_plain = Redis(max_connections=10)
ok, errors = run_requests(lambda i: shared_plain.set(f"k{i}", i))
assert errors and set(errors) == {"MaxConnectionsError: Too many connections"}, errors
plain_failed = len(errors)
assert ok + plain_failed == 30 and plain_failed >= 5, (ok, plain_failed)
shared_plain.connection_pool.disconnect()
assert server.connected == 0

# WRONG 2: a new client per request, never closed: the server runs out of client slots.
server.peak = 0
leaked = []


def per_request(i: int) -> None:
    client = Redis()  # in the handler: a new pool, a new connection, every time
    leaked.append(client)
    client.set(f"k{i}", i)


ok, errors = run_requests(per_request)
assert "ConnectionError: max number of clients reached" in errors, errors
per_request_failed = len(errors)
per_request_server_peak = server.peak
assert per_request_server_peak == server.maxclients
for client in leaked:
    client.connection_pool.disconnect()
assert server.connected == 0

# RIGHT: the snippet's one client per process on a BlockingConnectionPool of 10.
import os  # noqa: E402

os.environ["REDIS_MAX_CONNECTIONS"] = "10"
os.environ["REDIS_POOL_TIMEOUT"] = "5"
ns = load_snippet()
server.peak = 0
t0 = time.monotonic()
ok, errors = run_requests(lambda i: ns["get_redis"]().set(f"k{i}", i))
shared_s = time.monotonic() - t0
assert ok == 30 and not errors, errors
assert ns["get_redis"]() is ns["get_redis"]()  # one client for the process
assert isinstance(ns["get_redis"]().connection_pool, BlockingConnectionPool)
blocking_peak = server.peak
assert blocking_peak <= 10, blocking_peak
ns["close_redis"]()
assert server.connected == 0

# The pool's timeout keeps a stuck pool loud: every connection held for 1 s, a 0.2 s wait fails.
os.environ["REDIS_POOL_TIMEOUT"] = "0.2"
ns = load_snippet()
client = ns["get_redis"]()
held = [client.connection_pool.get_connection("BLPOP") for _ in range(10)]
t0 = time.monotonic()
try:
    client.set("k", 1)
    raise AssertionError("got an 11th connection")
except ConnectionError as exc:
    starved = str(exc)
waited_s = time.monotonic() - t0
assert starved == "No connection available." and 0.15 <= waited_s < 1.0, (starved, waited_s)
for connection in held:
    client.connection_pool.release(connection)
ns["close_redis"]()

record(
    requests=30,
    plain_pool_max_connections=10,
    plain_pool_failed=plain_failed,
    plain_pool_error="redis.exceptions.ConnectionError: Too many connections",
    client_per_request_failed=per_request_failed,
    client_per_request_server_peak=per_request_server_peak,
    shared_blocking_pool_failed=0,
    shared_blocking_pool_server_peak=blocking_peak,
    shared_blocking_pool_all_done_s=round(shared_s, 2),
    starved_pool_error=starved,
)
