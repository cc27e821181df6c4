"""A stand-in database server closes connections idle longer than its wait_timeout (0.3 s here,
8 h in MySQL) and can restart. A pool that hands back what it kept fails the first query after
each quiet period with the driver's disconnect error; the same query retried on a new connection
works, and steady traffic never fails. CheckedPool with pre-ping, or with recycle below the
timeout, succeeds every round; after a restart only the pre-ping finds the dead connections.
(Unix socket paths: the sandbox has no TCP, not even loopback.)"""

import contextlib
import os
import socket
import tempfile
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
CheckedPool, recycle_seconds = ns["CheckedPool"], ns["recycle_seconds"]

WAIT_TIMEOUT = 0.3  # the server closes a connection idle this long
GAP = 0.8  # the application's quiet period (a night, a weekend)
ROUNDS = 3


class StandInServer:
    """Answers 'PING' and 'QUERY ...' lines; closes a connection after WAIT_TIMEOUT without a
    command, as mysqld does after wait_timeout; restart() drops every connection at once."""

    def __init__(self):
        self.path = os.path.join(tempfile.mkdtemp(), "db.sock")
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.path)
        self.listener.listen(16)
        self.conns, self.lock = set(), threading.Lock()
        self.closed_idle = self.queries = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(WAIT_TIMEOUT)
        buffered = b""
        try:
            while True:
                try:
                    data = conn.recv(4096)
                except TimeoutError:  # idle past wait_timeout: the server hangs up
                    with self.lock:
                        self.closed_idle += 1
                    return
                if not data:
                    return
                buffered += data
                while b"\n" in buffered:
                    line, buffered = buffered.split(b"\n", 1)
                    if line.startswith(b"QUERY"):
                        with self.lock:
                            self.queries += 1
                    conn.sendall(b"OK\n")
        except OSError:
            return
        finally:
            with self.lock:
                self.conns.discard(conn)
            conn.close()

    def restart(self):
        with self.lock:
            conns = list(self.conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 5
        while self.conns and time.monotonic() < deadline:
            time.sleep(0.01)


class OperationalError(Exception):
    """What PyMySQL / mysqlclient raise (SQLAlchemy wraps it as sqlalchemy.exc.OperationalError)."""


class DriverConnection:
    """A driver connection as PyMySQL behaves: a command on a connection the server closed
    fails with 2013 (the reply never comes) or 2006 (the write itself fails)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(5)

    def _command(self, line):
        try:
            self.sock.sendall(line + b"\n")
        except OSError as exc:
            raise OperationalError(2006, f"MySQL server has gone away ({exc!r})") from exc
        try:
            reply = self.sock.recv(64)
        except OSError as exc:
            raise OperationalError(2013, "Lost connection to MySQL server during query") from exc
        if not reply:
            raise OperationalError(2013, "Lost connection to MySQL server during query")
        return reply.strip()

    def query(self, sql):
        return self._command(b"QUERY " + sql.encode())

    def ping(self):
        return self._command(b"PING")

    def close(self):
        self.sock.close()


def is_disconnect(exc):
    return isinstance(exc, OperationalError) and exc.args[0] in (2006, 2013)


def make_pool(server, **options):
    return CheckedPool(
        lambda: DriverConnection(server.path),
        ping=lambda raw: raw.ping(),
        is_disconnect=is_disconnect,
        **options,
    )


def run(pool, sql="SELECT 1"):
    """One query through the pool; the error text if it failed."""
    try:
        with pool.connection() as conn:
            conn.query(sql)
    except OperationalError as exc:
        return str(exc.args)
    return "ok"


def rounds(pool):
    """A query, a quiet period longer than wait_timeout, the query that counts."""
    outcomes = []
    for _ in range(ROUNDS):
        assert run(pool) == "ok"
        time.sleep(GAP)
        outcomes.append(run(pool))
    return outcomes


server = StandInServer()

# 1. WRONG: the pool hands back the connection it kept; after each quiet period it is closed.
naive = make_pool(server, pre_ping=False)
wrong = rounds(naive)
assert all(
    "Lost connection to MySQL server during query" in o or "gone away" in o for o in wrong
), wrong
assert server.closed_idle >= ROUNDS, server.closed_idle
# ... and the same query run again works: the failed connection was dropped, a new one opened.
assert run(naive) == "ok"

# 2. Steady traffic (a query every 0.05 s for 3x wait_timeout) never meets a closed connection.
steady = []
for _ in range(int(3 * WAIT_TIMEOUT / 0.05)):
    time.sleep(0.05)
    steady.append(run(naive))
assert steady == ["ok"] * len(steady), steady

# 3. A worker's module-level connection (what a Celery task reuses) fails the same way.
worker_conn = DriverConnection(server.path)
worker_conn.query("SELECT 1")
time.sleep(GAP)
try:
    worker_conn.query("SELECT 1")
    worker_error = ""
except OperationalError as exc:
    worker_error = str(exc.args)
assert worker_error, "the worker's idle connection should have been closed by the server"

# 4. FIX: pre-ping finds each dropped connection on checkout and opens a new one.
pinged = make_pool(server, pre_ping=True)
fixed_ping = rounds(pinged)
assert fixed_ping == ["ok"] * ROUNDS, fixed_ping
assert pinged.found_dead == ROUNDS and pinged.invalidated == 0, vars(pinged)

# 5. FIX: recycle below wait_timeout retires the connection before the server drops it (no ping).
recycle = recycle_seconds(WAIT_TIMEOUT)
assert 0 < recycle < WAIT_TIMEOUT
recycled = make_pool(server, pre_ping=False, recycle=recycle)
fixed_recycle = rounds(recycled)
assert fixed_recycle == ["ok"] * ROUNDS, fixed_recycle
assert recycled.retired == ROUNDS and recycled.invalidated == 0, vars(recycled)


# 6. A restart or failover drops young connections too: recycle alone fails, pre-ping does not.
def after_restart(pool):
    assert run(pool) == "ok"  # a connection opened a moment ago, well below recycle
    server.restart()
    return run(pool)


young = make_pool(server, pre_ping=False, recycle=recycle)
restart_recycle_only = after_restart(young)
assert "Lost connection" in restart_recycle_only or "gone away" in restart_recycle_only, (
    restart_recycle_only
)
both = make_pool(server, pre_ping=True, recycle=recycle)
restart_both = after_restart(both)
assert restart_both == "ok" and both.found_dead == 1, (restart_both, vars(both))

record(
    wait_timeout_s=WAIT_TIMEOUT,
    quiet_period_s=GAP,
    wrong_error=wrong[0],
    wrong_failed_rounds=sum(o != "ok" for o in wrong),
    wrong_retry_ok=True,
    steady_traffic_ok=len(steady),
    worker_connection_error=worker_error,
    pre_ping_ok_rounds=fixed_ping.count("ok"),
    pre_ping_dead_found=pinged.found_dead,
    recycle_ok_rounds=fixed_recycle.count("ok"),
    recycle_retired=recycled.retired,
    after_restart_recycle_only=restart_recycle_only,
    after_restart_pre_ping=restart_both,
)
