"""Another program holds a SQLite file: the script, its only writer, fails whatever it tunes; the
fix names the holder at once, and writes as soon as the holder commits or exits.

A second process stands in for DB Browser for SQLite with unwritten changes (an open transaction
with a write in it), a third for a program that merely has the file open (an idle reader).
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
lock_holders, processes_with_file_open = ns["lock_holders"], ns["processes_with_file_open"]
begin_write, connect_for_writing = ns["begin_write"], ns["connect_for_writing"]
DatabaseHeldError = ns["DatabaseHeldError"]

BUSY_S = 0.4
DB = Path(tempfile.mkdtemp()) / "notes.db"
setup = sqlite3.connect(DB)
setup.execute("CREATE TABLE notes (body TEXT)")
setup.execute("INSERT INTO notes VALUES ('first')")
setup.commit()
setup.close()

VIEWER = f"""
import sqlite3, sys
conn = sqlite3.connect({str(DB)!r}, isolation_level=None)
conn.execute("BEGIN")
conn.execute("INSERT INTO notes VALUES ('edited in the viewer')")  # not written yet
print("editing", flush=True)
if sys.stdin.readline().strip() == "write changes":
    conn.execute("COMMIT")
    print("written", flush=True)
sys.stdin.read()
"""
READER = f"""
import sqlite3, sys
conn = sqlite3.connect({str(DB)!r})
conn.execute("SELECT count(*) FROM notes").fetchone()  # read, then idle with the file open
print("open", flush=True)
sys.stdin.read()
"""


def start(code: str, ready: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == ready
    return proc


def attempt(statement: str, busy_s: float = BUSY_S) -> tuple[str, float]:
    """What the script's own statement gets, and how long it waited."""
    conn = sqlite3.connect(DB, timeout=busy_s, isolation_level=None)
    t0 = time.monotonic()
    try:
        conn.execute(statement)
        outcome = "ok"
    except sqlite3.OperationalError as exc:
        outcome = str(exc)
    finally:
        conn.close()
    return outcome, time.monotonic() - t0


viewer, reader = start(VIEWER, "editing"), start(READER, "open")
try:
    # 1. The script is the only writer it runs, and every remedy for concurrent writers fails.
    insert, insert_s = attempt("INSERT INTO notes VALUES ('from the script')")
    immediate, immediate_s = attempt("BEGIN IMMEDIATE")
    wal, _ = attempt("PRAGMA journal_mode=WAL")
    longer, longer_s = attempt("BEGIN IMMEDIATE", busy_s=1.0)
    assert insert == immediate == wal == longer == "database is locked", (insert, immediate, wal)
    assert insert_s >= BUSY_S * 0.9 and longer_s >= 0.9, (insert_s, longer_s)  # waited in vain
    assert attempt("SELECT count(*) FROM notes")[0] == "ok"  # reading still works: not the disk

    # 2. The fix names the holder: the viewer holds the lock, the idle reader only has it open.
    holders = lock_holders(DB)
    assert list(holders) == [viewer.pid], (holders, viewer.pid, reader.pid)
    assert "python" in holders[viewer.pid], holders
    assert {viewer.pid, reader.pid} <= set(processes_with_file_open(DB))
    t0 = time.monotonic()
    try:
        connect_for_writing(DB, wait_s=0.2)
        raise AssertionError("the held file was reported free")
    except DatabaseHeldError as exc:
        message, named_s = str(exc), time.monotonic() - t0
    assert f"pid {viewer.pid}" in message and f"pid {reader.pid}" not in message, message
    assert "Write Changes" in message and str(DB) in message, message
    assert named_s < 1.0, named_s

    # 3. The viewer writes its changes: the script writes at once, and both rows are there.
    assert viewer.stdin is not None and viewer.stdout is not None
    viewer.stdin.write("write changes\n")
    viewer.stdin.flush()
    assert viewer.stdout.readline().strip() == "written"
    assert lock_holders(DB) == {}
    t0 = time.monotonic()
    conn = connect_for_writing(DB, wait_s=0.2)
    begin_write(conn, DB)
    conn.execute("INSERT INTO notes VALUES ('from the script')")
    conn.execute("COMMIT")
    freed_write_ms = (time.monotonic() - t0) * 1000
    rows = [r for (r,) in conn.execute("SELECT body FROM notes ORDER BY rowid")]
    assert rows == ["first", "edited in the viewer", "from the script"], rows
    conn.close()

    # 4. A leftover process of an earlier run holding a transaction: named, then killed, then free.
    leftover = start(VIEWER, "editing")
    try:
        assert list(lock_holders(DB)) == [leftover.pid]
    finally:
        leftover.kill()
        leftover.wait(5)
    assert lock_holders(DB) == {} and attempt("BEGIN IMMEDIATE")[0] == "ok"
finally:
    for proc in (viewer, reader):
        proc.kill()
        proc.wait(5)

# 5. /proc/locks as Linux prints it: waiters ("->") and OFD locks (pid -1) are not holders.
st = DB.stat()
file_id = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
LOCKS = f"""1: POSIX  ADVISORY  WRITE 4242 {file_id} 1073741825 1073741825
1: -> POSIX  ADVISORY  WRITE 4343 {file_id} 1073741825 1073741825
2: OFDLCK ADVISORY  READ  -1 {file_id} 1073741826 1073742335
3: POSIX  ADVISORY  READ  4444 00:2f:99 128 128
"""
assert list(lock_holders(DB, LOCKS)) == [4242], lock_holders(DB, LOCKS)

record(
    busy_timeout_s=BUSY_S,
    only_writer_insert=f"{insert} after {insert_s:.2f} s",
    begin_immediate=f"{immediate} after {immediate_s:.2f} s",
    begin_immediate_1s_timeout=f"{longer} after {longer_s:.2f} s",
    journal_mode_wal=wal,
    holder_named_s=round(named_s, 3),
    write_after_holder_committed_ms=round(freed_write_ms, 1),
)
