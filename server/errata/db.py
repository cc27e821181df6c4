"""The database engine and the two kinds of short unit of work: read and write.

SQLite: WAL, `synchronous=NORMAL`, a busy timeout, and write transactions that begin
IMMEDIATE (a deferred transaction that reads then writes fails at once with "database is
locked", whatever the timeout). PostgreSQL: psycopg 3 with a short connect timeout, so a
database that is down fails requests fast instead of hanging them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import PoolProxiedConnection
from sqlmodel import Session

from .config import Settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
IDLE_READERS = 8  # SQLite connections kept for searches' reads, as many as the pool keeps
_WRITE_OPTION = "errata_write"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain `postgresql://` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=8,
        max_overflow=8,
        pool_timeout=10,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: str) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=5,
        connect_args={"connect_timeout": 3, "options": "-c statement_timeout=15000"},
    )


class PooledRead:
    """A driver connection for hot reads (`fetch`), without the Connection SQLAlchemy builds
    around one. For reads that each stand alone on a driver that commits by itself (errata's
    SQLite connections: no BEGIN is sent for a read). `_Readers` lends it."""

    def __init__(self, pooled: PoolProxiedConnection, engine: Engine, generation: int) -> None:
        self.engine, self.dialect, self.connection = engine, engine.dialect, pooled
        self.driver = pooled.dbapi_connection  # pysqlite's connection is the driver's own
        self.invalid = False  # disconnected: closed when given back, never lent again
        self.generation = generation  # `_Readers.close` calls since the database opened

    def invalidate(self, exc: BaseException) -> None:
        """Mark the driver connection as disconnected (`fetch` does on a disconnect)."""
        self.invalid = True

    def execute(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        """A statement run by SQLAlchemy, on a Connection of its own (the reads `fetch` does
        not run)."""
        with self.engine.connect() as connection:
            return list(connection.execute(statement, params))


class _Readers:
    """SQLite driver connections kept for searches' reads (`Database.lookup`): lending one
    and taking it back are two calls on a C queue, where a checkout from the engine's pool
    and its checkin cost about 30 µs of a search. Each is opened by the engine (its connect
    hook sets the pragmas) and then detached from its pool; at most IDLE_READERS are kept.
    Like the engine's pool after `dispose`, it lends new connections after `close`.
    https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.PoolProxiedConnection.detach
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._idle: queue.SimpleQueue[PooledRead] = queue.SimpleQueue()
        self._lock = threading.Lock()  # `close` against a connection given back meanwhile
        self._generation = 0  # a connection lent before the last `close` is not kept

    def lend(self) -> PooledRead:
        """An idle connection, else a new one."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pooled = self._engine.raw_connection()
            pooled.detach()  # closed here, not returned to the pool
            return PooledRead(pooled, self._engine, self._generation)

    def take_back(self, read: PooledRead) -> None:
        """Keep a lent connection for the next search, or close it (disconnected, too many
        idle, or the database disposed)."""
        raw = read.driver
        if not read.invalid and raw is not None and raw.in_transaction:
            raw.rollback()  # a read left nothing open, as a rule: never keep a transaction
        with self._lock:
            current = read.generation == self._generation
            if current and not read.invalid and self._idle.qsize() < IDLE_READERS:
                self._idle.put(read)
                return
        read.connection.close()

    def close(self) -> None:
        """Close every idle connection; those lent are closed when given back."""
        with self._lock:
            self._generation += 1
        while True:
            try:
                self._idle.get_nowait().connection.close()
            except queue.Empty:
                return


Reader = Connection | PooledRead  # what `fetch` reads through


class Database:
    """An engine and its read/write session factories; one per app."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine = _sqlite_engine(self.url) if self.is_sqlite else _postgres_engine(self.url)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        # PostgreSQL reads that need no common snapshot: no BEGIN and ROLLBACK round trips
        self._lookup_engine = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.last_write_error: str | None = None  # set while writes fail (e.g. a full disk)
        self._readers = _Readers(self.engine)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """The database the settings name."""
        return cls(settings.database_url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def lookup(self) -> Iterator[Reader]:
        """A connection for a few Core reads that each stand alone (a search's result rows): on
        PostgreSQL each statement runs outside a transaction, sparing two round trips; on
        SQLite (whose connections commit by themselves) a driver connection kept for them; no
        ORM session is set up for them."""
        if not self.is_sqlite:
            with self._lookup_engine.connect() as connection:
                yield connection
            return
        read = self._readers.lend()
        try:
            yield read
        finally:
            self._readers.take_back(read)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one short write transaction, committed on success."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                self.last_write_error = f"{type(exc.orig).__name__}: {exc.orig}"[:300]
                raise
            except BaseException:
                session.rollback()
                raise
            self.last_write_error = None

    def analyze(self) -> None:
        """Refresh PostgreSQL's planner statistics after a bulk load, in its own statement
        outside any transaction: autovacuum takes them only about a minute later, and until
        then the planner guesses (a search read its rows at 16 ms instead of 3 at 100k
        entries). https://www.postgresql.org/docs/current/sql-analyze.html
        SQLite is left as it is: its reads go by primary key and index, planned the same way
        with or without `sqlite_stat1`."""
        if self.is_sqlite:
            return
        with self._lookup_engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        """Close every pooled connection (and those kept for searches' reads)."""
        self._readers.close()
        self.engine.dispose()
