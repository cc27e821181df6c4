"""One in-memory SQLite database that every connection, thread and pool checkout sees."""

import sqlite3
import tempfile
import threading
import uuid
from pathlib import Path

# WRONG: every connection to ":memory:" is a new, empty database of its own:
#     setup = sqlite3.connect(":memory:"); setup.execute("CREATE TABLE users (name TEXT)")
#     sqlite3.connect(":memory:").execute("SELECT * FROM users")
#         -> sqlite3.OperationalError: no such table: users
# SQLAlchemy's "sqlite://" keeps one connection per thread (SingletonThreadPool), so a test
# client, server or worker thread gets another empty database. The same fix there:
#     create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
# Go's database/sql pool: db.SetMaxOpenConns(1), or the DSN "file:test1?mode=memory&cache=shared".


class SingleConnection:
    """One connection shared by every thread (what StaticPool does), used under a lock."""

    def __init__(self, database: str = ":memory:") -> None:
        self._conn = sqlite3.connect(database, check_same_thread=False)
        self._lock = threading.Lock()

    def execute(self, sql: str, params: tuple = ()) -> list:
        with self._lock, self._conn:  # one statement at a time, committed or rolled back
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


def shared_memory_uri(name: str = "") -> str:
    """A named in-memory database: every connect(uri, uri=True) in this process opens the same one."""
    return f"file:{name or 'memdb-' + uuid.uuid4().hex}?mode=memory&cache=shared"


class SharedMemoryDatabase:
    """A named shared-cache memory database, kept alive by one open connection until close()."""

    def __init__(self, name: str = "") -> None:
        self.uri = shared_memory_uri(name)
        self._keeper = sqlite3.connect(self.uri, uri=True, check_same_thread=False)

    def connect(self) -> sqlite3.Connection:
        """A new connection (any thread, any pool) to the same database."""
        return sqlite3.connect(self.uri, uri=True)

    def close(self) -> None:
        """Close the keeper: once the last connection closes, the database is gone."""
        self._keeper.close()


def temporary_database_file() -> Path:
    """A throwaway database file: shared by every connection, thread and process."""
    return Path(tempfile.mkdtemp(prefix="test-db-")) / "test.db"
