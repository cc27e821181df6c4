"""A pool stand-in (like tarn behind knex, or psycopg_pool) that connects in the background and
reports a failed checkout only as "Timeout acquiring a connection. The pool is probably full.",
in front of "databases" on Unix socket paths (the sandbox has no TCP): one refused, one that
rejects a login without SSL the way pg_hba does, one that never answers (packets dropped), one
reachable. The pool hides every cause; the start-up check names it within its short deadline."""

import logging
import os
import queue
import socket
import tempfile
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
check_database, LoggedConnect = ns["check_database"], ns["LoggedConnect"]
DatabaseUnreachable = ns["DatabaseUnreachable"]
folder = tempfile.mkdtemp()
NO_ENCRYPTION = 'FATAL: no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", no encryption'


class FakeDatabase:
    """A server on a Unix socket path: 'ssl' rejects startups without sslmode=require,
    'silent' accepts into its backlog and never answers; every session answers queries."""

    def __init__(self, name: str, mode: str) -> None:
        self.path, self.mode = os.path.join(folder, name), mode
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.stop = threading.Event()
        if mode != "silent":
            threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rw", encoding="utf-8", newline="\n") as stream:
            startup = stream.readline()
            if self.mode == "ssl" and "sslmode=require" not in startup:
                stream.write(NO_ENCRYPTION + "\n")
                stream.flush()
                return
            stream.write("READY\n")
            stream.flush()
            for line in stream:
                stream.write("1\n" if line.startswith("SELECT 1") else "ERROR\n")
                stream.flush()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


class Connection:
    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.stream = sock, sock.makefile("rw", encoding="utf-8", newline="\n")

    def query(self, sql: str) -> str:
        self.stream.write(sql + "\n")
        self.stream.flush()
        return self.stream.readline().strip()

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


def driver(path: str, sslmode: str = "disable"):
    """The reader's driver: connect(timeout) opens one connection or raises its own error."""

    def connect(timeout: float) -> Connection:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(path)
            sock.sendall(f"STARTUP user=app sslmode={sslmode}\n".encode())
            reply = sock.makefile("r", encoding="utf-8").readline().strip()
        except BaseException:
            sock.close()
            raise
        if reply != "READY":
            sock.close()
            raise ConnectionError(reply or "server closed the connection")
        return Connection(sock)

    return connect


class PoolTimeout(Exception):
    pass


class Pool:
    """Creates `size` connections in the background, retrying failures quietly (tarn,
    psycopg_pool); a checkout waits `acquire_timeout` and reports only the timeout."""

    def __init__(self, connect, size: int = 2, acquire_timeout: float = 0.3, create_timeout: float = 0.1) -> None:
        self._connect, self.size, self.create_timeout = connect, size, create_timeout
        self.acquire_timeout, self._idle = acquire_timeout, queue.Queue()
        self.created = self.create_errors = 0
        self._stop = threading.Event()
        self._filler = threading.Thread(target=self._fill, daemon=True)
        self._filler.start()

    def _fill(self) -> None:
        while self.created < self.size and not self._stop.is_set():
            try:
                self._idle.put(self._connect(self.create_timeout))
                self.created += 1
            except Exception:
                self.create_errors += 1
                self._stop.wait(0.02)

    def acquire(self) -> Connection:
        try:
            return self._idle.get(timeout=self.acquire_timeout)
        except queue.Empty:
            raise PoolTimeout("Timeout acquiring a connection. The pool is probably full.") from None

    def release(self, conn: Connection) -> None:
        self._idle.put(conn)

    def close(self) -> None:
        self._stop.set()
        self._filler.join(timeout=5)
        while not self._idle.empty():
            self._idle.get_nowait().close()


def first_query_through_pool(connect) -> tuple[Exception, Pool]:
    pool = Pool(connect)
    try:
        conn = pool.acquire()
    except PoolTimeout as exc:
        pool.close()
        return exc, pool
    raise AssertionError(f"the pool connected: {conn.query('SELECT 1')}")


def startup_check(connect, address: str, timeout: float = 0.5) -> tuple[str, float]:
    started = time.monotonic()
    try:
        check_database(connect, address, timeout=timeout)
    except DatabaseUnreachable as exc:
        return str(exc), time.monotonic() - started
    raise AssertionError(f"check_database passed for {address}, which cannot be reached")


refused_path = os.path.join(folder, "refused.sock")
closed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
closed.bind(refused_path)
closed.close()  # the socket file stays, nothing listens: connect is refused
ssl_db, silent_db, good_db = FakeDatabase("ssl.sock", "ssl"), FakeDatabase("silent.sock", "silent"), FakeDatabase("ok.sock", "ok")

# 1. WRONG: through the pool every cause reads as a full pool, with no cause attached.
hidden = {}
for name, connect in (("refused", driver(refused_path)), ("no-ssl", driver(ssl_db.path)), ("silent", driver(silent_db.path))):
    error, pool = first_query_through_pool(connect)
    text = str(error)
    assert "probably full" in text and error.__cause__ is None, text
    assert "refused" not in text.lower() and "pg_hba" not in text and "timed out" not in text, text
    assert pool.created == 0 and pool.create_errors >= 1, (name, pool.created, pool.create_errors)
    hidden[name] = pool.create_errors

# 2. RIGHT: one direct connection at start-up names the real cause within its deadline.
message, refused_s = startup_check(driver(refused_path), refused_path, timeout=2.0)
assert refused_path in message and "Connection refused" in message and refused_s < 2.0, (message, refused_s)
message, ssl_s = startup_check(driver(ssl_db.path), "db.example:25060", timeout=2.0)
assert "no encryption" in message and "sslmode=require" in message and ssl_s < 2.0, (message, ssl_s)
message, silent_s = startup_check(driver(silent_db.path), "10.0.3.9:5432", timeout=0.3)
assert "10.0.3.9:5432" in message and ("no answer" in message or "timed out" in message), message
assert silent_s < 0.3 + 1.0, silent_s  # gives up at its deadline, not the pool's 30-60 s
missing = os.path.join(folder, "wrong-host.sock")
message, _ = startup_check(driver(missing), missing)
assert "No such file" in message, message

# 3. The client sends SSL (sslmode=require) and a reachable database passes; the pool then works.
check_database(driver(ssl_db.path, sslmode="require"), "db.example:25060", timeout=2.0)
check_database(driver(good_db.path), good_db.path, timeout=2.0)
pool = Pool(driver(ssl_db.path, sslmode="require"), acquire_timeout=2.0)
conn = pool.acquire()
assert conn.query("SELECT 1") == "1"
pool.release(conn)
pool.close()

# 4. Inside the pool: the logged connect says why, and a checkout timeout becomes the connect error
#    only when the pool never opened a connection.
records: list[str] = []
handler = logging.Handler()
handler.emit = lambda rec: records.append(rec.getMessage())
logging.getLogger("db").addHandler(handler)
logged = LoggedConnect(driver(ssl_db.path), "db.example:25060")
timeout_error, _ = first_query_through_pool(logged)
explained = logged.explain(timeout_error)
assert isinstance(explained, DatabaseUnreachable) and "never opened" in str(explained), explained
assert "no encryption" in str(explained.__cause__) and any("no encryption" in r for r in records), records

busy = LoggedConnect(driver(good_db.path), good_db.path)
pool = Pool(busy, size=1, acquire_timeout=2.0)
held = pool.acquire()  # the only connection stays checked out (a leak, a slow hold)
pool.acquire_timeout = 0.1
try:
    pool.acquire()
    raise AssertionError("a second checkout succeeded from a pool of one")
except PoolTimeout as exc:
    assert busy.explain(exc) is exc  # a pool that did connect is really busy: not this cause
held.close()
pool.close()
for db in (ssl_db, silent_db, good_db):
    db.close()

record(
    pool_hid_causes=sorted(hidden),
    startup_check_refused_ms=round(refused_s * 1000, 1),
    startup_check_no_ssl_ms=round(ssl_s * 1000, 1),
    startup_check_silent_ms=round(silent_s * 1000, 1),
    pool_acquire_timeout_ms=300,
)
