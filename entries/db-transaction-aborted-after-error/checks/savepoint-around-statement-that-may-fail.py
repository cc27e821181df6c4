"""A handled failure inside a longer transaction: on PostgreSQL every later statement is refused
and the COMMIT saves nothing; rolling the whole transaction back loses the rows written before
it. A SAVEPOINT around each statement that may fail keeps every good row. SQLite, where tests
often run, undoes only the failed statement, which is why the wrong loop passes there."""

import io
import logging
import os
import sqlite3
import tempfile

from errata_check import load_snippet, record

ABORTED = "current transaction is aborted, commands ignored until end of transaction block"


class InFailedSqlTransaction(Exception):
    """psycopg2.errors.InFailedSqlTransaction (SQLSTATE 25P02)."""


class PgLikeConnection:
    """A DB-API connection over SQLite that keeps a failed transaction failed, as PostgreSQL does.

    Like psycopg2: a transaction begins with the first statement; after an error in it every
    statement but ROLLBACK / ROLLBACK TO SAVEPOINT is refused with 25P02; COMMIT of a failed
    transaction rolls it back. (SQLite itself undoes only the failed statement and goes on.)
    """

    def __init__(self, path):
        self._db = sqlite3.connect(path, isolation_level=None)
        self._in_tx = self._failed = False
        self._savepoints = []

    def cursor(self):
        return PgLikeCursor(self)

    def _run(self, sql, params=()):
        words = sql.split()
        if self._failed:
            if words[:3] == ["ROLLBACK", "TO", "SAVEPOINT"] and words[3] in self._savepoints:
                self._db.execute(sql)
                del self._savepoints[self._savepoints.index(words[3]) + 1 :]
                self._failed = False
                return []
            raise InFailedSqlTransaction(ABORTED)
        if not self._in_tx:
            self._db.execute("BEGIN")
            self._in_tx = True
        try:
            rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error:
            self._failed = True
            raise
        if words[0] == "SAVEPOINT":
            self._savepoints.append(words[1])
        elif words[0] == "RELEASE":
            del self._savepoints[self._savepoints.index(words[-1]) :]
        return rows

    def _end(self, command):
        if self._in_tx:
            self._db.execute(command)
        self._in_tx = self._failed = False
        self._savepoints = []

    def commit(self):
        self._end("ROLLBACK" if self._failed else "COMMIT")

    def rollback(self):
        self._end("ROLLBACK")


class PgLikeCursor:
    def __init__(self, conn):
        self._conn, self._rows = conn, []

    def execute(self, sql, params=()):
        self._rows = self._conn._run(sql, params)
        return self

    def fetchall(self):
        return self._rows


def new_database():
    path = os.path.join(tempfile.mkdtemp(), "items.db")
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    return path


def saved(path):
    with sqlite3.connect(path) as other:
        return [r[0] for r in other.execute("SELECT id FROM items ORDER BY id")]


INSERT = "INSERT INTO items (id, name) VALUES (?, ?)"
ROWS = [(1, "a"), (2, "b"), (2, "b again"), (3, "c"), (4, "d")]  # one duplicate id, third
GOOD = [1, 2, 3, 4]

# WRONG 1: catch the error and go on in the same transaction, then commit.
db1 = new_database()
conn = PgLikeConnection(db1)
errors = []
for row in ROWS:
    try:
        conn.cursor().execute(INSERT, row)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
conn.commit()
assert errors[0] == "IntegrityError: UNIQUE constraint failed: items.id", errors
assert errors[1:] == [f"InFailedSqlTransaction: {ABORTED}"] * 2, errors  # rows 3 and 4
assert saved(db1) == [], saved(db1)  # the COMMIT of a failed transaction is a rollback

# WRONG 2: roll back on the error and go on: the rows written before it are lost.
db2 = new_database()
conn = PgLikeConnection(db2)
for row in ROWS:
    try:
        conn.cursor().execute(INSERT, row)
    except sqlite3.IntegrityError:
        conn.rollback()
conn.commit()
assert saved(db2) == [3, 4], saved(db2)

# The WRONG 1 loop on SQLite itself: only the failed statement is undone, so tests pass there.
db3 = new_database()
lite = sqlite3.connect(db3)
for row in ROWS:
    try:
        lite.execute(INSERT, row)
    except sqlite3.IntegrityError:
        pass
lite.commit()
assert saved(db3) == GOOD, saved(db3)

# FIXED: a savepoint around each insert; the duplicate is skipped, every good row is kept.
ns = load_snippet()
logs = io.StringIO()
logging.getLogger("db").addHandler(logging.StreamHandler(logs))
db4 = new_database()
conn = PgLikeConnection(db4)
inserted, skipped = ns["insert_each"](conn, INSERT, ROWS, expected=(sqlite3.IntegrityError,))
conn.commit()
assert (inserted, skipped) == (4, [(2, "b again")]), (inserted, skipped)
assert saved(db4) == GOOD, saved(db4)
skip_line = "skipped (2, 'b again'): IntegrityError: UNIQUE constraint failed: items.id"
assert skip_line in logs.getvalue(), logs.getvalue()

# The savepoint alone: the statements before it survive a failure inside it, the transaction
# goes on, and an error nobody expected still reaches the caller.
db5 = new_database()
conn = PgLikeConnection(db5)
savepoint = ns["savepoint"]
conn.cursor().execute(INSERT, (1, "a"))
try:
    with savepoint(conn):
        conn.cursor().execute(INSERT, (5, "e"))
        conn.cursor().execute("INSERT INTO no_such_table VALUES (1)")
except sqlite3.OperationalError as exc:
    unexpected = str(exc)
else:
    raise AssertionError("the error inside the savepoint was swallowed")
assert unexpected == "no such table: no_such_table", unexpected
with savepoint(conn, "outer"):
    conn.cursor().execute(INSERT, (6, "f"))
    with savepoint(conn):
        conn.cursor().execute(INSERT, (7, "g"))
conn.commit()
assert saved(db5) == [1, 6, 7], saved(db5)  # 5 went with its savepoint, 1 was kept

record(
    wrong_errors=errors,
    wrong_rows_saved=len(saved(db1)),
    rollback_everything_rows_saved=len(saved(db2)),
    sqlite_plain_loop_rows_saved=len(saved(db3)),
    fixed_rows_saved=len(saved(db4)),
    fixed_skipped=len(skipped),
)
