"""What this models, with real SQLite files, a real second process and real threads: a writer
blocked by another connection's open transaction. SQLite locks the whole database rather than a
row, and its busy timeout stands in for innodb_lock_wait_timeout (MySQL/MariaDB 1205) or
lock_timeout (PostgreSQL 55P03); the waiter's side is the same: it waits the whole timeout for a
holder that is not waiting on it (no deadlock to detect), then fails. Modelled: (1) a holder
process that opened a transaction, wrote a row and sits idle (a console session, a forgotten
commit) makes another writer wait its full timeout and fail, and killing the holder frees the lock
and discards its uncommitted write; (2) a job that holds its transaction across slow work blocks a
writer for the whole slow work, while the snippet's finish_job (slow work first, short write
transaction) lets it write at once; (3) retry_on_lock_timeout restarts a transaction that timed
out behind a short holder and succeeds. Not modelled: the MySQL and PostgreSQL queries that find
the holder (SHOW ENGINE INNODB STATUS, information_schema.innodb_trx, sys.innodb_lock_waits,
pg_stat_activity) need those servers and are not run here."""

import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
finish_job, retry_on_lock_timeout = ns["finish_job"], ns["retry_on_lock_timeout"]
is_lock_wait_timeout = ns["is_lock_wait_timeout"]

LOCK_TIMEOUT_S = 0.4  # the waiter's busy timeout, standing in for innodb_lock_wait_timeout
SLOW_WORK_S = 1.0  # the job's slow call
DB = str(Path(tempfile.mkdtemp()) / "jobs.db")


def connect(timeout_s: float = LOCK_TIMEOUT_S) -> sqlite3.Connection:
    conn = sqlite3.connect(DB, timeout=timeout_s, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


def status(job_id: int) -> str:
    conn = connect()
    try:
        return conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    finally:
        conn.close()


def timed_update(conn: sqlite3.Connection, job_id: int, new: str) -> tuple[str | None, float]:
    """Another session's write: the error it got (None if it wrote) and how long it waited."""
    t0 = time.monotonic()
    try:
        conn.execute("UPDATE jobs SET status = ? WHERE id = ?", (new, job_id))
        return None, time.monotonic() - t0
    except sqlite3.OperationalError as exc:
        return str(exc), time.monotonic() - t0


setup = connect()
setup.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT NOT NULL, result TEXT)")
setup.executemany("INSERT INTO jobs (id, status) VALUES (?, 'queued')", [(i,) for i in (1, 2, 3)])
setup.close()

# (1) An idle session in another process holds an open write transaction and never commits.
HOLDER = f"""
import sqlite3, sys
conn = sqlite3.connect({DB!r}, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE jobs SET status = 'held' WHERE id = 1")
print("locked", flush=True)
sys.stdin.read()  # idle in transaction until killed
"""
holder = subprocess.Popen(
    [sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
)
try:
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    writer = connect()
    idle_error, idle_wait = timed_update(writer, 1, "cancelled")
    assert idle_error == "database is locked", idle_error
    assert idle_wait >= LOCK_TIMEOUT_S * 0.9, idle_wait  # waited the whole timeout, then failed
    assert is_lock_wait_timeout(sqlite3.OperationalError(idle_error))
finally:
    holder.kill()  # KILL <thread id> / pg_terminate_backend(pid): the holder is rolled back
    holder.wait(5)
after_kill_error, after_kill_wait = timed_update(writer, 1, "cancelled")
assert after_kill_error is None and after_kill_wait < 0.2, (after_kill_error, after_kill_wait)
assert status(1) == "cancelled"  # the holder's uncommitted 'held' was discarded, ours committed


# (2) A job that holds its transaction across slow work, against finish_job.
def run_job(job, job_id: int, started: threading.Event, done: threading.Event) -> None:
    conn = connect(timeout_s=5.0)
    try:
        job(conn, job_id, started)
    finally:
        conn.close()
        done.set()


def job_holding_txn(conn: sqlite3.Connection, job_id: int, started: threading.Event) -> None:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE jobs SET status = 'running' WHERE id = ?", (job_id,))
    started.set()
    time.sleep(SLOW_WORK_S)  # the slow call, inside the transaction
    conn.execute("UPDATE jobs SET status = 'done', result = 'r' WHERE id = ?", (job_id,))
    conn.execute("COMMIT")


def job_fixed(conn: sqlite3.Connection, job_id: int, started: threading.Event) -> None:
    def slow_work(_job_id: int) -> str:
        started.set()
        time.sleep(SLOW_WORK_S)
        return "r"

    finish_job(conn, job_id, slow_work)


def contend(job, job_id: int) -> tuple[str | None, float]:
    started, done = threading.Event(), threading.Event()
    t = threading.Thread(target=run_job, args=(job, job_id, started, done))
    t.start()
    assert started.wait(5), "the job never started"
    result = timed_update(writer, job_id, "priority")  # another session edits the same row
    assert done.wait(10), "the job never finished"
    t.join(5)
    return result


wrong_error, wrong_wait = contend(job_holding_txn, 2)
assert wrong_error == "database is locked" and wrong_wait >= LOCK_TIMEOUT_S * 0.9, wrong_error
fixed_error, fixed_wait = contend(job_fixed, 3)
assert fixed_error is None and fixed_wait < 0.2, (fixed_error, fixed_wait)
assert status(3) == "done"  # both writes landed, the job's last


# (3) Behind a short holder, restarting the timed-out transaction succeeds.
short_hold = threading.Event()


def short_holder() -> None:
    conn = connect()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE jobs SET result = 'x' WHERE id = 1")
    short_hold.set()
    time.sleep(LOCK_TIMEOUT_S * 1.5)  # longer than one wait, shorter than the retries
    conn.execute("COMMIT")
    conn.close()


attempts: list[float] = []


def txn() -> str:
    attempts.append(time.monotonic())
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE jobs SET status = 'retried' WHERE id = 1")
    writer.execute("COMMIT")
    return "ok"


def rollback() -> None:
    if writer.in_transaction:
        writer.execute("ROLLBACK")


t = threading.Thread(target=short_holder)
t.start()
assert short_hold.wait(5)
assert retry_on_lock_timeout(txn, rollback, attempts=3, backoff_s=0.05) == "ok"
t.join(5)
assert len(attempts) == 2 and status(1) == "retried", attempts

# Any other error is not retried.
calls: list[int] = []


def broken() -> str:
    calls.append(1)
    raise sqlite3.OperationalError("no such table: jobz")


try:
    retry_on_lock_timeout(broken, rollback)
    raise AssertionError("a non-lock error must propagate")
except sqlite3.OperationalError:
    pass
assert calls == [1]
writer.close()

record(
    lock_timeout_s=LOCK_TIMEOUT_S,
    idle_holder_wait_s=round(idle_wait, 3),
    after_kill_wait_s=round(after_kill_wait, 3),
    slow_work_s=SLOW_WORK_S,
    txn_across_slow_work_wait_s=round(wrong_wait, 3),
    commit_before_slow_work_wait_s=round(fixed_wait, 3),
    retry_attempts_behind_short_holder=len(attempts),
)
