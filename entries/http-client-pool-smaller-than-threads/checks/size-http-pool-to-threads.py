"""32 threads share one HTTP client over a real HTTP/1.1 keep-alive server: with a pool of 10
every request succeeds, but each burst opens 22 extra connections and discards them with urllib3's
warning; the pool sized by the snippet opens 32 connections once and reuses them.

What is modelled: urllib3's HTTPConnectionPool, the pool behind requests and boto3, as its source
reads (src/urllib3/connectionpool.py: __init__, _get_conn, _put_conn;
https://github.com/urllib3/urllib3/blob/main/src/urllib3/connectionpool.py) and its docs say
(https://urllib3.readthedocs.io/en/stable/advanced-usage.html#customizing-pool-behavior): a
queue.LifoQueue(maxsize) filled with maxsize None placeholders; a checkout takes the newest item
without waiting (block=False) and opens a new connection when it gets None or nothing; a return
puts the connection back without waiting, and when the queue is full closes it and logs "Connection
pool is full, discarding connection: %s. Connection pool size: %s". With block=True a checkout
waits for a free connection instead. requests' HTTPAdapter passes pool_maxsize as maxsize and
pool_block as block. The sandbox has no requests, botocore or TCP: the snippet's settings are
passed to copies of the real constructors' signatures, and connections go to an http.server on a
Unix socket, whose accept count is the number of handshakes paid.
"""

import http.client
import http.server
import logging
import os
import queue
import socket
import socketserver
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from errata_check import load_snippet, record

ns = load_snippet()
http_pool_plan = ns["http_pool_plan"]

SOCKET = os.path.join(tempfile.mkdtemp(), "api.sock")
HOST = "api.example.com"
THREADS = 32
ROUNDS = 5
accepted = [0]
accepted_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    """A JSON API that keeps connections alive (HTTP/1.1 with Content-Length)."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with accepted_lock:
            accepted[0] += 1  # one accepted connection = one handshake paid by the client

    def do_GET(self) -> None:
        time.sleep(0.002)
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client's connection (urllib3's base class) to the Unix socket instead of TCP."""

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(SOCKET)


log = logging.getLogger("model.urllib3.connectionpool")


class EmptyPoolError(Exception):
    pass


class FullPoolError(Exception):
    pass


class HTTPConnectionPool:
    """urllib3's pool logic for one host, as in connectionpool.py (see the docstring above)."""

    def __init__(self, host: str, maxsize: int = 1, block: bool = False) -> None:
        self.host = host
        self.block = block
        self.pool: queue.LifoQueue = queue.LifoQueue(maxsize)
        for _ in range(maxsize):
            self.pool.put(None)  # "Fill the queue up so that doing get() on it will block properly"

    def _get_conn(self) -> UnixHTTPConnection:
        conn = None
        try:
            conn = self.pool.get(block=self.block)
        except queue.Empty:
            if self.block:
                raise EmptyPoolError(
                    "Pool is empty and a new connection can't be opened due to blocking mode."
                ) from None
        return conn or UnixHTTPConnection(self.host)

    def _put_conn(self, conn: UnixHTTPConnection) -> None:
        try:
            self.pool.put(conn, block=False)
            return
        except queue.Full:
            conn.close()
            if self.block:  # never happens with connections taken by _get_conn
                raise FullPoolError("Pool reached maximum size") from None
            log.warning(
                "Connection pool is full, discarding connection: %s. Connection pool size: %s",
                self.host,
                self.pool.qsize(),
            )

    def get(self, path: str, before_release=None) -> int:
        conn = self._get_conn()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if before_release is not None:
            before_release()
        self._put_conn(conn)
        return response.status


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record_: logging.LogRecord) -> None:
        self.messages.append(record_.getMessage())


warnings = Warnings()
log.addHandler(warnings)
log.propagate = False


def burst(pool: HTTPConnectionPool, workers: int) -> dict[str, int]:
    """THREADS threads, ROUNDS requests each; in every round all THREADS are in flight at once."""
    in_flight = threading.Barrier(THREADS)  # every thread holds its connection...
    returned = threading.Barrier(THREADS)  # ...then every connection is back before the next
    statuses: list[int] = []
    before, warned = accepted[0], len(warnings.messages)

    def worker(i: int) -> None:
        for r in range(ROUNDS):
            statuses.append(pool.get(f"/items/{i}/{r}", before_release=in_flight.wait))
            returned.wait()

    with ThreadPoolExecutor(max_workers=workers) as executor:
        list(executor.map(worker, range(THREADS)))
    opened = accepted[0] - before
    return {
        "ok": statuses.count(200),
        "opened": opened,
        "reused": THREADS * ROUNDS - opened,
        "discarded": len(warnings.messages) - warned,
    }


server = Server(SOCKET, Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()

# WRONG: requests' default pool of 10 (HTTPAdapter pool_maxsize=10) under 32 threads.
small = burst(HTTPConnectionPool(HOST, maxsize=10), workers=THREADS)
assert small["ok"] == THREADS * ROUNDS, small  # nothing fails...
assert small["opened"] == THREADS + (THREADS - 10) * (ROUNDS - 1), small  # ...22 new per burst
assert small["discarded"] == (THREADS - 10) * ROUNDS, small
assert warnings.messages[0] == (
    f"Connection pool is full, discarding connection: {HOST}. Connection pool size: 10"
), warnings.messages[0]


# RIGHT: the snippet's plan. Its keyword names must be those of the real constructors, copied
# here as signatures (the sandbox has no requests, botocore or urllib3 to call).
class HTTPAdapter:
    """requests.adapters.HTTPAdapter.__init__'s signature (requests 2.x)."""

    def __init__(self, pool_connections=10, pool_maxsize=10, max_retries=0, pool_block=False):
        self.pool_maxsize, self.pool_block = pool_maxsize, pool_block


def botocore_config(*, max_pool_connections=10, connect_timeout=60, read_timeout=60) -> int:
    """botocore.config.Config's option of that name (among its other keyword options)."""
    return max_pool_connections


def pool_manager(num_pools=10, headers=None, maxsize=1, block=False) -> int:
    """urllib3.PoolManager(num_pools, headers, **connection_pool_kw) with the pool's keywords."""
    return maxsize


plan = http_pool_plan(THREADS)
adapter = HTTPAdapter(**plan["requests"])
assert adapter.pool_maxsize == plan["max_workers"] == THREADS, plan
assert botocore_config(**plan["botocore"]) == pool_manager(**plan["urllib3"]) == THREADS, plan
assert http_pool_plan(THREADS, hosts=40)["requests"]["pool_connections"] == 40
sized_pool = HTTPConnectionPool(HOST, maxsize=adapter.pool_maxsize, block=adapter.pool_block)
sized = burst(sized_pool, workers=plan["max_workers"])
assert sized == {"ok": THREADS * ROUNDS, "opened": THREADS, "reused": THREADS * (ROUNDS - 1),
                 "discarded": 0}, sized  # fmt: skip

# pool_block=True keeps 10 connections and makes the other threads wait for one instead.
blocking = HTTPConnectionPool(HOST, maxsize=10, block=True)
peak, now, lock = [0], [0], threading.Lock()


def blocking_worker(i: int) -> int:
    conn = blocking._get_conn()
    with lock:
        now[0] += 1
        peak[0] = max(peak[0], now[0])
    conn.request("GET", f"/items/{i}")
    response = conn.getresponse()
    response.read()
    with lock:
        now[0] -= 1
    blocking._put_conn(conn)
    return response.status


before, warned = accepted[0], len(warnings.messages)
with ThreadPoolExecutor(max_workers=THREADS) as executor:
    blocked_statuses = list(executor.map(blocking_worker, range(THREADS * ROUNDS)))
assert blocked_statuses.count(200) == THREADS * ROUNDS
assert accepted[0] - before <= 10 and peak[0] <= 10, (accepted[0] - before, peak[0])
assert len(warnings.messages) == warned  # nothing discarded: threads queued for a connection

try:
    http_pool_plan(0)
except ValueError:
    pass
else:
    raise AssertionError("a plan for 0 threads was accepted")

server.shutdown()
record(
    threads=THREADS,
    requests=THREADS * ROUNDS,
    pool_10_connections_opened=small["opened"],
    pool_10_discarded=small["discarded"],
    pool_10_reused=small["reused"],
    sized_pool=adapter.pool_maxsize,
    sized_connections_opened=sized["opened"],
    sized_discarded=sized["discarded"],
    sized_reused=sized["reused"],
    blocking_pool_connections_opened=accepted[0] - before,
    blocking_pool_peak_in_flight=peak[0],
)
