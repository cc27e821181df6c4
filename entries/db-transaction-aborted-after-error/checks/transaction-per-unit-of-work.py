"""A shared connection whose failed insert is never rolled back refuses every later request
(PostgreSQL's 25P02); a transaction per unit of work, rolled back on error, recovers at once,
keeps the committed work and logs the first error, the real cause."""

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
    path = os.path.join(tempfile.mkdtemp(), "app.db")
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE users (email TEXT PRIMARY KEY)")
        setup.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
    return path


def committed(path, table="users"):
    """What another session sees: only committed rows."""
    with sqlite3.connect(path) as other:
        return [r[0] for r in other.execute(f"SELECT * FROM {table} ORDER BY 1")]


def outcome(action):
    try:
        action()
    except Exception as exc:  # what the handler would answer
        return f"{type(exc).__name__}: {exc}"
    return "ok"


INSERT = "INSERT INTO users (email) VALUES (?)"
REQUESTS = ["ada", "ada", "bob", "cy", "dee"]  # the second "ada" is a duplicate

# WRONG: one connection for the process (a module global, a bot's, a worker's); the handler
# answers the error and goes on without rolling back.
wrong_db = new_database()
shared = PgLikeConnection(wrong_db)


def signup_wrong(email):
    shared.cursor().execute(INSERT, (email,))
    shared.commit()


wrong = [outcome(lambda e=email: signup_wrong(e)) for email in REQUESTS]
assert wrong[0] == "ok", wrong
assert wrong[1] == "IntegrityError: UNIQUE constraint failed: users.email", wrong
assert wrong[2:] == [f"InFailedSqlTransaction: {ABORTED}"] * 3, wrong
# ...and so is every later request, reads too, until the process restarts.
later = [outcome(lambda: shared.cursor().execute("SELECT COUNT(*) FROM users")) for _ in range(20)]
assert set(later) == {f"InFailedSqlTransaction: {ABORTED}"}, later
assert committed(wrong_db) == ["ada"], committed(wrong_db)

ns = load_snippet()
transaction, run_in_transaction = ns["transaction"], ns["run_in_transaction"]
logs = io.StringIO()
handler = logging.StreamHandler(logs)
logging.getLogger("db").addHandler(handler)

# FIXED: each request is one unit of work in its own transaction, rolled back on error.
fixed_db = new_database()
conn = PgLikeConnection(fixed_db)


def signup_fixed(email):
    run_in_transaction(conn, lambda c: c.cursor().execute(INSERT, (email,)), f"signup {email}")


fixed = [outcome(lambda e=email: signup_fixed(e)) for email in REQUESTS]
assert fixed == ["ok", "IntegrityError: UNIQUE constraint failed: users.email", "ok", "ok", "ok"]
assert committed(fixed_db) == ["ada", "bob", "cy", "dee"], committed(fixed_db)
fixed_rows = len(committed(fixed_db))
logged = logs.getvalue()
assert "signup ada failed, rolling back: IntegrityError: UNIQUE constraint failed" in logged
assert "aborted" not in logged, logged  # the first error is the one logged


# A unit of work of two statements is all or nothing: the order written before the failing
# insert is rolled back with it, and the connection serves the next request.
def order_then_signup(c, email):
    c.cursor().execute("INSERT INTO orders (email) VALUES (?)", (email,))
    c.cursor().execute(INSERT, (email,))


half = outcome(lambda: run_in_transaction(conn, lambda c: order_then_signup(c, "bob"), "order"))
assert half == "IntegrityError: UNIQUE constraint failed: users.email", half
assert committed(fixed_db, "orders") == [], committed(fixed_db, "orders")
with transaction(conn, "order"):
    order_then_signup(conn, "eve")
assert committed(fixed_db, "orders") == [1] and committed(fixed_db)[-1] == "eve"

record(
    wrong_after_duplicate=wrong[2],
    wrong_failed_requests=len([w for w in wrong + later if ABORTED in w]),
    wrong_rows_committed=len(committed(wrong_db)),
    fixed_results=fixed,
    fixed_rows_committed=fixed_rows,
)
