"""A stand-in database server on a Unix socket that counts open connections and refuses the
one past its limit as PostgreSQL does: a pool created per request opens one more connection per
request and keeps it idle until the server refuses new ones, although every pool is within its
size and nothing is checked out; the snippet's one pool per process stays at its pool size
under 8 threads, is created once while they race for it, and closing it frees every connection.

What is modelled: a driver's pool (SQLAlchemy's QueuePool, psycopg_pool, MongoClient) opens
connections on demand up to its size, keeps returned ones idle for reuse, and closes them only
when closed, disposed or idle past a maintenance timeout (psycopg_pool max_idle 600 s; pymongo
and psycopg_pool run background threads that keep an unclosed pool alive). The sandbox has no
TCP and no drivers: connections are real sockets to a socketserver on a Unix socket.
"""

import contextlib
import os
import socket
import socketserver
import tempfile
import threading
import time

from errata_check import load_snippet, record

SOCKET = os.path.join(tempfile.mkdtemp(), "db.sock")
MAX_CONNECTIONS = 20  # what the server accepts from this application
POOL_SIZE = 5
REQUESTS = 40


class Server(socketserver.ThreadingUnixStreamServer):
    """Counts open connections; past the limit answers PostgreSQL's FATAL and hangs up."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(SOCKET, Backend)
        self.open = 0
        self.peak = 0
        self.refused = 0
        self.changed = threading.Condition()

    def wait_open(self, count: int, deadline: float = 10.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.open == count, timeout=deadline)


class Backend(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server = self.server
        with server.changed:
            if server.open >= MAX_CONNECTIONS:
                server.refused += 1
                self.wfile.write(b"FATAL:  sorry, too many clients already\n")
                return
            server.open += 1
            server.peak = max(server.peak, server.open)
        try:
            self.wfile.write(b"OK\n")
            for line in self.rfile:  # one answer per query, until the client hangs up
                self.wfile.write(b"1\n" if line.strip() == b"SELECT 1" else b"ERROR\n")
        finally:
            with server.changed:
                server.open -= 1
                server.changed.notify_all()


class OperationalError(Exception):
    """What the driver raises when the server refuses the connection."""


class Pool:
    """A driver's pool: up to `size` connections opened on demand, returned ones kept idle."""

    def __init__(self, size: int = POOL_SIZE, max_idle: float = 600.0) -> None:
        self.size = size
        self.opened = 0
        self.checked_out = 0
        self._idle: list[tuple[socket.socket, object]] = []
        self._cond = threading.Condition()
        self._closed = threading.Event()
        # the pool's maintenance thread keeps an unclosed pool (and its sockets) alive
        threading.Thread(target=self._maintain, args=(max_idle,), daemon=True).start()

    def _connect(self) -> tuple[socket.socket, object]:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(SOCKET)
        stream = sock.makefile("rwb")
        greeting = stream.readline()
        if greeting != b"OK\n":
            stream.close()
            sock.close()
            raise OperationalError(greeting.decode().strip())
        return sock, stream

    @contextlib.contextmanager
    def connection(self):
        with self._cond:
            self._cond.wait_for(lambda: self._idle or self.opened < self.size, timeout=10)
            conn = self._idle.pop() if self._idle else None
            self.opened += conn is None
            self.checked_out += 1
        try:
            conn = conn or self._connect()
        except OperationalError:
            with self._cond:
                self.opened -= 1
                self.checked_out -= 1
                self._cond.notify()
            raise
        try:
            yield conn
        finally:
            with self._cond:
                self.checked_out -= 1
                self._idle.append(conn)
                self._cond.notify()

    def query(self, sql: str) -> bytes:
        with self.connection() as (_, stream):
            stream.write(sql.encode() + b"\n")
            stream.flush()
            return stream.readline()

    def _maintain(self, max_idle: float) -> None:
        self._closed.wait(max_idle)
        self.close()

    def close(self) -> None:
        self._closed.set()
        with self._cond:
            idle, self._idle = self._idle, []
        for sock, stream in idle:
            stream.close()
            sock.close()


server = Server()
threading.Thread(target=server.serve_forever, daemon=True).start()

# WRONG: a new pool per request (create_engine / ConnectionPool / MongoClient in the handler).
per_request_pools: list[Pool] = []
refused_messages: list[str] = []


def handler_with_own_pool() -> None:
    pool = Pool()
    per_request_pools.append(pool)
    try:
        assert pool.query("SELECT 1") == b"1\n"
    except OperationalError as exc:
        refused_messages.append(str(exc))


for _ in range(REQUESTS):  # one request after the other: no concurrency at all
    handler_with_own_pool()
assert len(refused_messages) == REQUESTS - MAX_CONNECTIONS, len(refused_messages)
assert refused_messages[0] == "FATAL:  sorry, too many clients already", refused_messages[0]
assert server.open == MAX_CONNECTIONS  # the server's slots are all held by idle connections...
assert all(p.checked_out == 0 and p.opened <= p.size for p in per_request_pools)  # ...no leak
wrong_idle_connections = server.open
for pool in per_request_pools:
    pool.close()
assert server.wait_open(0)

# RIGHT: the snippet's one pool per process, under 8 threads racing for it at start.
pools_created: list[Pool] = []


def create_pool() -> Pool:
    """The application's factory (create_engine(...) in real code), slow like a real one so
    that threads asking at the same moment would each build a pool without the lock."""
    time.sleep(0.02)
    pool = Pool()
    pools_created.append(pool)
    return pool


ns = load_snippet({"create_pool": create_pool})
get_pool, close_pool = ns["get_pool"], ns["close_pool"]
THREADS = 8
start = threading.Barrier(THREADS)
answers: list[bytes] = []
answers_lock = threading.Lock()


def worker() -> None:
    start.wait()
    for _ in range(REQUESTS // THREADS):
        answer = get_pool().query("SELECT 1")
        with answers_lock:
            answers.append(answer)


threads = [threading.Thread(target=worker) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert answers == [b"1\n"] * REQUESTS, answers
assert len(pools_created) == 1, len(pools_created)
assert server.open <= POOL_SIZE and pools_created[0].opened <= POOL_SIZE, server.open
refused_before = server.refused

# Closing at shutdown gives every connection back to the server; a later call makes a new pool.
open_before_close = server.open
close_pool()
assert server.wait_open(0), server.open
assert get_pool().query("SELECT 1") == b"1\n" and len(pools_created) == 2
close_pool()
close_pool()  # closing twice is harmless
assert server.wait_open(0)
assert server.refused == refused_before

record(
    requests=REQUESTS,
    server_max_connections=MAX_CONNECTIONS,
    per_request_pools=len(per_request_pools),
    per_request_refused=len(refused_messages),
    per_request_idle_connections_on_server=wrong_idle_connections,
    shared_pools_created=1,
    shared_threads=THREADS,
    shared_connections_on_server=open_before_close,
    shared_refused=0,
    connections_after_close=0,
)
