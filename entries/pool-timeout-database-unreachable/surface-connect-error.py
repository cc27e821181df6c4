"""Surface the connect error a pool hides behind "timeout acquiring a connection": one direct
connection at start-up with a short deadline, and a connect wrapper that logs every failure."""

import logging
import queue
import threading

log = logging.getLogger("db")

# WRONG: the pool is the only thing that ever connects, and it reports any failure to connect
# (a firewall dropping packets, a private VPC reached without the VPN, a server that requires
# SSL while the client sends none, a wrong host or password) as a checkout timeout:
#     knex({client: 'pg', connection: {host, ssl: false}})      // first query, 60 s later:
#     // KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full.
#     pool = ConnectionPool(conninfo)    # psycopg_pool: "couldn't get a connection after 30 sec"
# The pool never held a connection, so no size, release or leak fix changes anything.


class DatabaseUnreachable(RuntimeError):
    """The database cannot be reached or refuses the login: the real cause, not a full pool."""


HINT = (
    "check the host and port, DNS, firewall / security group rules, the VPN for a private "
    "network, the SSL mode the server requires (sslmode=require, ssl: {rejectUnauthorized}) "
    "and the credentials"
)


def check_database(connect, address: str, timeout: float = 5.0) -> None:
    """RIGHT, at start-up: connect once outside the pool, bounded by `timeout`, and fail fast
    with the driver's own error (or "no answer") and the address; `connect(timeout)` opens and
    returns one connection, passing the timeout to the driver (connect_timeout)."""
    outcome: queue.Queue = queue.Queue(maxsize=1)

    def attempt() -> None:
        try:
            outcome.put(("ok", connect(timeout)))
        except Exception as exc:  # the driver's error is the answer
            outcome.put(("error", exc))

    threading.Thread(target=attempt, daemon=True, name="db-startup-check").start()
    try:
        kind, value = outcome.get(timeout=timeout)
    except queue.Empty:
        raise DatabaseUnreachable(
            f"{address}: no answer within {timeout:g} s (packets dropped?): {HINT}"
        ) from None
    if kind == "error":
        raise DatabaseUnreachable(f"{address}: {type(value).__name__}: {value}: {HINT}") from value
    value.close()


class LoggedConnect:
    """RIGHT, inside the pool: the pool's connect function logs each failure and remembers the
    last one, so a checkout timeout can say whether the pool ever had a connection."""

    def __init__(self, connect, address: str) -> None:
        self._connect, self.address = connect, address
        self.opened, self.last_error = 0, None

    def __call__(self, timeout: float):
        try:
            conn = self._connect(timeout)
        except Exception as exc:
            self.last_error = exc
            log.warning("connect to %s failed: %s: %s", self.address, type(exc).__name__, exc)
            raise
        self.opened += 1
        return conn

    def explain(self, timeout_error: Exception) -> Exception:
        """The error to raise for a checkout timeout: the connect error when the pool never
        opened a connection, else the timeout itself (then the pool really is busy)."""
        if self.opened == 0 and self.last_error is not None:
            error = DatabaseUnreachable(
                f"{self.address}: the pool never opened a connection; last connect error: "
                f"{type(self.last_error).__name__}: {self.last_error}: {HINT}"
            )
            error.__cause__ = self.last_error
            return error
        return timeout_error


# Usage, with the pool's own settings bounded the same way:
#     check_database(lambda t: psycopg.connect(url, connect_timeout=t), "db.internal:5432", 5)
#     pool = ConnectionPool(url, kwargs={"connect_timeout": 5}, timeout=30)   # then open it
# knex: createTimeoutMillis (e.g. 5000) below acquireConnectionTimeout (e.g. 10000), keep
# propagateCreateError true (the default), and `await knex.raw('select 1')` at start-up;
# pg: `ssl: { rejectUnauthorized: true, ca }` for a server that requires SSL.
# HikariCP: connectionTimeout below the request timeout and initializationFailTimeout=1 (the
# default), so the pool fails at start-up with the driver's "Caused by".
