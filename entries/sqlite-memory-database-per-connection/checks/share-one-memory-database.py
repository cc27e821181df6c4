"""Two connections to ':memory:' are two databases: a table created on one is missing on the
other, in another thread (a test client's server thread, a pool's per-thread connection) too,
and a shared memory database vanishes with its last connection. One shared connection, a named
shared-cache database kept open, or a temporary file let every connection see the table."""

import sqlite3
import threading

from errata_check import load_snippet, record


def error_of(action) -> str:
    try:
        action()
    except sqlite3.OperationalError as exc:
        return str(exc)
    return ""


def in_thread(action) -> list:
    """Run action in another thread (as a test client runs the app) and return what it gave."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(action()))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the worker thread hung"
    return out


# WRONG 1: the table is created on one connection, queried on another.
setup = sqlite3.connect(":memory:")
setup.execute("CREATE TABLE users (name TEXT)")
setup.execute("INSERT INTO users VALUES ('ada')")
setup.commit()
assert setup.execute("SELECT name FROM users").fetchall() == [("ada",)]
wrong = error_of(lambda: sqlite3.connect(":memory:").execute("SELECT name FROM users"))
assert wrong == "no such table: users", wrong

# WRONG 2: one connection per thread (SQLAlchemy's default pool for "sqlite://"): create_all
# in the test's thread, the request handled in the app's thread.
local = threading.local()


def per_thread() -> sqlite3.Connection:
    if not hasattr(local, "conn"):
        local.conn = sqlite3.connect(":memory:")
    return local.conn


per_thread().execute("CREATE TABLE users (name TEXT)")
wrong_thread = in_thread(lambda: error_of(lambda: per_thread().execute("SELECT * FROM users")))
assert wrong_thread == ["no such table: users"], wrong_thread

# WRONG 3: a shared memory database with no connection left open is gone (the data too).
uri = "file:checkdb?mode=memory&cache=shared"
first = sqlite3.connect(uri, uri=True)
first.execute("CREATE TABLE users (name TEXT)")
first.close()
gone = error_of(lambda: sqlite3.connect(uri, uri=True).execute("SELECT * FROM users"))
assert gone == "no such table: users", gone

ns = load_snippet()

# FIXED 1: one connection for every thread, serialised by a lock (StaticPool).
single = ns["SingleConnection"]()
single.execute("CREATE TABLE users (name TEXT)")
single.execute("INSERT INTO users VALUES ('ada')")
assert in_thread(lambda: single.execute("SELECT name FROM users")) == [[("ada",)]]


def insert_100(worker: int) -> None:
    for _ in range(100):
        single.execute("INSERT INTO users VALUES (?)", (f"w{worker}",))


writers = [threading.Thread(target=insert_100, args=(i,)) for i in range(4)]
for writer in writers:
    writer.start()
for writer in writers:
    writer.join(timeout=30)
single_rows = single.execute("SELECT COUNT(*) FROM users")[0][0]
assert single_rows == 401, single_rows
single.close()

# FIXED 2: a named shared-cache memory database, kept open; each thread opens its own connection.
shared = ns["SharedMemoryDatabase"]("app-test")
assert shared.uri == "file:app-test?mode=memory&cache=shared"
conn = shared.connect()
with conn:
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.execute("INSERT INTO users VALUES ('ada')")
conn.close()  # only the keeper is open now
shared_seen = in_thread(lambda: shared.connect().execute("SELECT name FROM users").fetchall())
assert shared_seen == [[("ada",)]], shared_seen
other = ns["SharedMemoryDatabase"]()  # a unique name: another test's database, isolated
assert other.uri != shared.uri and other.uri.startswith("file:memdb-")
isolated = error_of(lambda: other.connect().execute("SELECT * FROM users"))
assert isolated == "no such table: users", isolated
other.close()
shared.close()

# FIXED 3: a temporary database file; every connection opens the same file.
path = ns["temporary_database_file"]()
with sqlite3.connect(path) as conn:
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.execute("INSERT INTO users VALUES ('ada')")
file_seen = in_thread(lambda: sqlite3.connect(path).execute("SELECT name FROM users").fetchall())
assert file_seen == [[("ada",)]], file_seen

record(
    wrong=wrong,
    wrong_thread=wrong_thread[0],
    gone=gone,
    single_rows=single_rows,
    shared_seen=shared_seen[0][0][0],
)
