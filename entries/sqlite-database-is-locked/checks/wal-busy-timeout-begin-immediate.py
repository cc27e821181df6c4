"""Real SQLite files, real threads: deferred read-then-write fails with 'database is locked'; the fix does not."""

import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
connect, write_transaction, increment = ns["connect"], ns["write_transaction"], ns["increment"]

THREADS, ROUNDS = 4, 15
folder = tempfile.mkdtemp()


def fresh_db(name: str) -> str:
    path = str(Path(folder) / name)
    conn = connect(path)
    conn.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    conn.execute("INSERT INTO counters VALUES (1, 0)")
    conn.close()
    return path


def run_threads(path: str, body) -> tuple[list[str], float]:
    errors: list[str] = []
    barrier = threading.Barrier(THREADS, timeout=3)  # every thread waits once per round

    def worker() -> None:
        conn = connect(path, busy_timeout_s=2.0)
        try:
            for _ in range(ROUNDS):
                try:
                    body(conn, barrier)
                except sqlite3.OperationalError as exc:
                    errors.append(str(exc))
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
        finally:
            conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return errors, time.monotonic() - start


def barrier_wait(barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass


def deferred(conn: sqlite3.Connection, barrier: threading.Barrier) -> None:
    """The wrong pattern; the barrier makes every thread read before any writes, as under load."""
    conn.execute("BEGIN")
    (n,) = conn.execute("SELECT n FROM counters WHERE id = 1").fetchone()
    barrier_wait(barrier)
    conn.execute("UPDATE counters SET n = ? WHERE id = 1", (n + 1,))
    conn.execute("COMMIT")


def immediate(conn: sqlite3.Connection, barrier: threading.Barrier) -> None:
    """The fix, under the same pressure: every thread arrives at the same moment."""
    barrier_wait(barrier)
    increment(conn, 1)


def final_count(path: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT n FROM counters WHERE id = 1").fetchone()[0]
    finally:
        conn.close()


wrong_path = fresh_db("wrong.db")
wrong_errors, _ = run_threads(wrong_path, deferred)
assert wrong_errors, "the deferred read-then-write should have failed"
assert all(e == "database is locked" for e in wrong_errors), set(wrong_errors)
wrong_lost = THREADS * ROUNDS - final_count(wrong_path)
assert wrong_lost == len(wrong_errors), (wrong_lost, len(wrong_errors))

right_path = fresh_db("right.db")
right_errors, right_s = run_threads(right_path, immediate)
assert right_errors == [], right_errors
assert final_count(right_path) == THREADS * ROUNDS

# WAL: a reader is not blocked while a write transaction is open.
writer, reader = connect(right_path), connect(right_path, busy_timeout_s=0.5)
assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
with write_transaction(writer):
    writer.execute("UPDATE counters SET n = n + 1000 WHERE id = 1")
    t0 = time.monotonic()
    seen = reader.execute("SELECT n FROM counters WHERE id = 1").fetchone()[0]
    read_ms = (time.monotonic() - t0) * 1000
assert seen == THREADS * ROUNDS and read_ms < 200, (seen, read_ms)

# An exception inside the transaction rolls back and releases the write lock.
try:
    with write_transaction(writer):
        writer.execute("UPDATE counters SET n = -1 WHERE id = 1")
        raise ValueError("boom")
except ValueError:
    pass
assert not writer.in_transaction and final_count(right_path) == THREADS * ROUNDS + 1000
increment(reader, 1)  # the lock was released: another connection writes at once
writer.close()
reader.close()

record(
    increments_attempted=THREADS * ROUNDS,
    deferred_database_is_locked=len(wrong_errors),
    immediate_database_is_locked=0,
    immediate_total_s=round(right_s, 3),
    wal_read_during_write_ms=round(read_ms, 2),
)
