"""Row locks held by an open transaction: do the slow work first, write in a short transaction,
retry a lock-wait timeout, and find (then commit or kill) the session that holds the lock."""

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# WRONG: the transaction opens, locks the row, then waits on slow work before it commits.
#     conn.execute("BEGIN")
#     conn.execute("UPDATE jobs SET status = 'running' WHERE id = ?", (job_id,))  # row lock taken
#     result = slow_work(job_id)        # an API or LLM call, a report, a sleep, a breakpoint...
#     conn.execute("UPDATE jobs SET status = 'done', result = ? WHERE id = ?", (result, job_id))
#     conn.execute("COMMIT")            # ...and every other writer of that row waited until here
# Every other session that writes the row waits innodb_lock_wait_timeout (50 s), then gets
# ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction. The same happens
# when a console session or an idle-in-transaction connection never commits at all.
#
# Find the holder (MySQL 8.0 / MariaDB 10.x), then COMMIT it where it runs or KILL it:
#     SELECT waiting_pid, waiting_query, blocking_pid, blocking_query, sql_kill_blocking_connection
#       FROM sys.innodb_lock_waits;                      -- MySQL 5.7+/8.0 (performance_schema.data_lock_waits)
#     SELECT trx_mysql_thread_id, trx_started, trx_state, trx_query
#       FROM information_schema.innodb_trx ORDER BY trx_started;   -- trx_query NULL = idle holder
#     KILL <trx_mysql_thread_id>;                        -- rolls the holder back, frees its locks
# PostgreSQL: SELECT pid, state, xact_start, query, pg_blocking_pids(pid) FROM pg_stat_activity
#     WHERE cardinality(pg_blocking_pids(pid)) > 0;  then pg_terminate_backend(<blocking pid>);
#     idle_in_transaction_session_timeout ends forgotten transactions on its own.

LOCK_WAIT_MESSAGES = (
    "lock wait timeout exceeded",  # MySQL / MariaDB 1205
    "canceling statement due to lock timeout",  # PostgreSQL lock_timeout (55P03)
    "lock request time out period exceeded",  # SQL Server 1222
    "database is locked",  # SQLite busy timeout (the model the check runs)
)


def is_lock_wait_timeout(exc: BaseException) -> bool:
    """True for a lock wait that timed out: the statement (not a deadlock) gave up waiting."""
    return any(m in str(exc).lower() for m in LOCK_WAIT_MESSAGES)


def finish_job(conn: sqlite3.Connection, job_id: int, slow_work: Callable[[int], str]) -> str:
    """The fix: slow work runs with no transaction open; the write transaction lasts milliseconds."""
    result = slow_work(job_id)  # no lock held while this runs
    conn.execute("BEGIN IMMEDIATE")  # MySQL/PostgreSQL: BEGIN (or START TRANSACTION)
    try:
        conn.execute(
            "UPDATE jobs SET status = 'done', result = ? WHERE id = ?", (result, job_id)
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def retry_on_lock_timeout(
    txn: Callable[[], T], rollback: Callable[[], None], attempts: int = 3, backoff_s: float = 0.05
) -> T:
    """Run a whole transaction again after a lock-wait timeout (1205 rolls back only the statement:
    roll the rest back too, then restart from the top). Other errors are raised at once."""
    for attempt in range(1, attempts + 1):
        try:
            return txn()
        except Exception as exc:
            rollback()
            if attempt == attempts or not is_lock_wait_timeout(exc):
                raise
            time.sleep(backoff_s * 2 ** (attempt - 1))
    raise AssertionError("unreachable")
