"""Hand out only live database connections after a quiet period: test each one on checkout
(pre-ping), retire it before the shortest idle timeout on the way (recycle), and drop a
connection that failed with a disconnect instead of putting it back.

WRONG: a pool (or a module-level connection in a worker) that hands back whatever it kept:
    engine = create_engine("mysql+pymysql://...")          # no pool_pre_ping, no pool_recycle
    conn = pymysql.connect(...)  # at import, reused by every Celery task for days
After a night or a weekend without queries, MySQL's wait_timeout (8 h), PgBouncer's or RDS
Proxy's idle timeout, a firewall or NAT idle timeout, or a server restart or failover has closed
the connection; the first query of the morning fails at once:
    (2013, 'Lost connection to MySQL server during query')  /  (2006, 'MySQL server has gone away')
    psycopg2.OperationalError: server closed the connection unexpectedly
and the same query run again, on a new connection, works.
"""

import threading
import time
from collections import deque
from contextlib import contextmanager, suppress


def recycle_seconds(shortest_idle_timeout, margin=0.1):
    """A connection age safely below the shortest idle timeout on the way (seconds): MySQL
    wait_timeout, PgBouncer server_idle_timeout / client_idle_timeout, RDS Proxy idle client
    timeout, a firewall's or NAT's idle timeout."""
    return max(shortest_idle_timeout * (1 - margin), shortest_idle_timeout / 2)


class _Pooled:
    __slots__ = ("raw", "created", "last_used")

    def __init__(self, raw, now):
        self.raw, self.created, self.last_used = raw, now, now


class CheckedPool:
    """A small connection pool that never hands out a connection the server has dropped.

    connect() opens a driver connection; ping(raw) runs a cheap round trip ("SELECT 1", the
    driver's ping); is_disconnect(exc) says whether an error means the connection is gone
    (SQLAlchemy asks the dialect the same question). recycle: retire connections older than this
    (seconds since opened); max_idle: retire connections unused for longer than this.
    """

    def __init__(
        self,
        connect,
        *,
        ping,
        is_disconnect,
        pre_ping=True,
        recycle=None,
        max_idle=None,
        size=5,
        clock=time.monotonic,
    ):
        self._connect, self._ping, self._is_disconnect = connect, ping, is_disconnect
        self.pre_ping, self.recycle, self.max_idle = pre_ping, recycle, max_idle
        self.size, self._clock = size, clock
        self._idle = deque()
        self._lock = threading.Lock()
        self.opened = 0  # connections opened
        self.retired = 0  # dropped for age or idleness before use
        self.found_dead = 0  # dropped because the pre-ping failed
        self.invalidated = 0  # dropped because a query on them failed with a disconnect

    def _open(self):
        self.opened += 1
        return _Pooled(self._connect(), self._clock())

    def _discard(self, pooled):
        with suppress(Exception):  # already dead: nothing to close
            pooled.raw.close()

    def _usable(self, pooled):
        now = self._clock()
        if (self.recycle is not None and now - pooled.created > self.recycle) or (
            self.max_idle is not None and now - pooled.last_used > self.max_idle
        ):
            self.retired += 1
            return False
        if self.pre_ping:
            try:
                self._ping(pooled.raw)
            except Exception as exc:
                if not self._is_disconnect(exc):
                    raise
                self.found_dead += 1
                return False
        return True

    def _checkout(self):
        while True:
            with self._lock:
                pooled = self._idle.pop() if self._idle else None
            if pooled is None:
                return self._open()
            if self._usable(pooled):
                return pooled
            self._discard(pooled)

    @contextmanager
    def connection(self):
        """Borrow a live connection; it goes back to the pool unless it failed with a disconnect."""
        pooled = self._checkout()
        try:
            yield pooled.raw
        except Exception as exc:
            if self._is_disconnect(exc):
                self.invalidated += 1
                self._discard(pooled)
                raise
            self._checkin(pooled)
            raise
        self._checkin(pooled)

    def _checkin(self, pooled):
        pooled.last_used = self._clock()
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append(pooled)
                return
        self._discard(pooled)

    def dispose(self):
        with self._lock:
            idle, self._idle = list(self._idle), deque()
        for pooled in idle:
            self._discard(pooled)


# The same settings in the libraries (idle timeout 8 h = 28800 s for MySQL; use the shortest one
# on the way, e.g. 350 s for an AWS NAT gateway, 1800 s for RDS Proxy's default idle timeout):
#   SQLAlchemy:  create_engine(url, pool_pre_ping=True, pool_recycle=recycle_seconds(28800))
#   Flask-SQLAlchemy: SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 280}
#   Django:      DATABASES["default"] |= {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}  # 4.1+
#                in Celery tasks and other loops outside requests, call
#                django.db.close_old_connections() before and after each task (task_prerun /
#                task_postrun signals): Django checks a connection's age and health only there.
#   psycopg_pool: ConnectionPool(conninfo, check=ConnectionPool.check_connection,
#                max_idle=300, max_lifetime=1800)
#   asyncpg:     create_pool(dsn, max_inactive_connection_lifetime=60)
#   Go:          db.SetConnMaxLifetime(3 * time.Minute); db.SetConnMaxIdleTime(time.Minute)
#   HikariCP:    maxLifetime a few minutes below wait_timeout; keepaliveTime=300000 (5 min)
# TCP keepalive (libpq keepalives_idle, mysql2 enableKeepAlive) keeps a NAT or firewall mapping
# alive; it does not reset MySQL's wait_timeout, which counts commands, not packets.
