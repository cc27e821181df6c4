"""One transaction per unit of work, rolled back on any error, with the FIRST error logged."""

import logging
from contextlib import contextmanager

log = logging.getLogger("db")

# WRONG: one connection (or SQLAlchemy Session) for the whole process - a module global, a bot's
# or a worker's - and a handler that catches the error without rolling back:
#     conn = psycopg2.connect(DSN)                       # at import, shared by every request
#     def signup(email):
#         try:
#             conn.cursor().execute("INSERT INTO users (email) VALUES (%s)", (email,))
#             conn.commit()
#         except Exception as exc:
#             return f"error: {exc}"          # no rollback: the transaction stays failed
# After one duplicate email PostgreSQL refuses every later statement on that connection:
#     psycopg2.errors.InFailedSqlTransaction: current transaction is aborted, commands ignored
#     until end of transaction block
# (SQLAlchemy: PendingRollbackError "This Session's transaction has been rolled back due to a
# previous exception during flush"; Django: TransactionManagementError) until the process restarts.


@contextmanager
def transaction(conn, what="unit of work"):
    """Run one unit of work in its own transaction: commit on success, roll back on any error.

    The first error (the real cause, such as a duplicate key) is logged here, before the rollback;
    later "transaction is aborted" errors are only its echo.
    """
    try:
        yield conn
    except BaseException as exc:
        log.error("%s failed, rolling back: %s: %s", what, type(exc).__name__, exc)
        conn.rollback()
        raise
    else:
        conn.commit()


def run_in_transaction(conn, work, what="unit of work"):
    """Call work(conn) inside transaction(); the connection is clean again whatever happens."""
    with transaction(conn, what):
        return work(conn)


# The same shape elsewhere:
#   psycopg 3:   with conn.transaction(): ...            (psycopg2: "with conn:" commits/rolls back
#                                                         but does not close the connection)
#   SQLAlchemy:  with Session(engine) as session, session.begin(): ...   # a session per request
#                Flask-SQLAlchemy: db.session.rollback() in an errorhandler / teardown
#   Django:      ATOMIC_REQUESTS = True, or "with transaction.atomic():" with the try OUTSIDE it
#   node-postgres: const client = await pool.connect(); try { BEGIN ... COMMIT }
#                  catch (e) { await client.query("ROLLBACK"); throw e }
#                  finally { client.release() }
#   JDBC:        try { ...; conn.commit(); } catch (SQLException e) { conn.rollback(); throw e; }
