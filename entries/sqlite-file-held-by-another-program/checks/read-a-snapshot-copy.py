"""Reading a database a running application keeps locked: direct reads, ?mode=ro and
?immutable=1 fail or read stale data; a snapshot copy reads the last committed state, bounded.

Three owners, each a real second process: one that keeps the file in WAL mode with exclusive
locking (as Firefox does with places.sqlite and Zotero with zotero.sqlite), a viewer with an
uncommitted edit (DB Browser for SQLite), and a writer whose large transaction has spilled into the
database file (an exclusive lock, the file changed, a hot journal beside it).
"""

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
snapshot, open_snapshot = ns["snapshot"], ns["open_snapshot"]

BUSY_S = 0.3


def new_database(rows: int) -> Path:
    path = Path(tempfile.mkdtemp()) / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE visits (url TEXT)")
    conn.executemany(
        "INSERT INTO visits VALUES (?)", [(f"https://example.org/{i}",) for i in range(rows)]
    )
    conn.commit()
    conn.close()
    return path


def start_owner(path: Path, setup: str) -> subprocess.Popen:
    code = f"""
import sqlite3, sys
conn = sqlite3.connect({str(path)!r}, isolation_level=None)
{setup}
print("running", flush=True)
sys.stdin.read()
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "running"
    return proc


def count(uri: str, where: str = "1") -> tuple[str, float]:
    """What a direct read gets: the row count or the error, and how long it took."""
    t0 = time.monotonic()
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_S)
        try:
            outcome = str(conn.execute(f"SELECT count(*) FROM visits WHERE {where}").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        outcome = str(exc)
    return outcome, time.monotonic() - t0


def read_snapshot(path: Path, where: str = "1") -> tuple[int, float]:
    t0 = time.monotonic()
    conn = open_snapshot(path, wait_s=BUSY_S)
    try:
        n = conn.execute(f"SELECT count(*) FROM visits WHERE {where}").fetchone()[0]
        try:
            conn.execute("DELETE FROM visits")
            raise AssertionError("a write to the snapshot was accepted")
        except sqlite3.OperationalError as exc:
            assert "readonly" in str(exc), exc
    finally:
        conn.close()
    return n, time.monotonic() - t0


# 1. The browser-like owner: WAL, exclusive locking mode, 5 new visits committed into its -wal.
places = new_database(100)
owner = start_owner(
    places,
    'conn.execute("PRAGMA journal_mode=WAL")\n'
    'conn.execute("PRAGMA locking_mode=EXCLUSIVE")\n'
    'for i in range(5): conn.execute("INSERT INTO visits VALUES (?)", (f"https://new.example/{i}",))',
)
try:
    uri = places.resolve().as_uri()
    direct, direct_s = count(str(places))
    read_only, _ = count(f"{uri}?mode=ro")
    immutable, _ = count(f"{uri}?immutable=1")
    assert direct == read_only == "database is locked", (direct, read_only)
    assert direct_s >= BUSY_S * 0.9, direct_s  # a reader waited its whole timeout, then failed
    assert immutable == "100", immutable  # opens, but misses the 5 committed visits in the -wal
    owner_rows, owner_s = read_snapshot(places)
    assert owner_rows == 105, owner_rows  # the last committed state, -wal included
    assert owner_s < 3.0, owner_s  # bounded: Connection.backup() would retry for ever here
finally:
    owner.kill()
    owner.wait(5)

# 2. A viewer with an unwritten edit (a RESERVED lock): SQLite's own copy, without the edit.
notes = new_database(10)
viewer = start_owner(notes, 'conn.execute("BEGIN"); conn.execute("DELETE FROM visits")')
try:
    assert count(str(notes))[0] == "10"  # readers still read; only writers are shut out
    viewer_rows, _ = read_snapshot(notes)
    assert viewer_rows == 10, viewer_rows
finally:
    viewer.kill()
    viewer.wait(5)

# 3. A big transaction spilled into the file: the copy rolls its hot journal back, nothing torn.
big = new_database(2000)
writer = start_owner(
    big,
    'conn.execute("PRAGMA cache_size=2")\n'
    'conn.execute("BEGIN")\n'
    "conn.execute(\"UPDATE visits SET url = 'torn'\")",
)
try:
    assert count(str(big))[0] == "database is locked"  # an exclusive lock: readers shut out too
    assert Path(f"{big}-journal").exists()
    torn_rows, _ = read_snapshot(big, "url = 'torn'")
    total_rows, _ = read_snapshot(big)
    assert (torn_rows, total_rows) == (0, 2000), (torn_rows, total_rows)
    copy = snapshot(big, wait_s=BUSY_S)
    check = sqlite3.connect(copy)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    shutil.rmtree(copy.parent)
finally:
    writer.kill()
    writer.wait(5)
assert count(str(big), "url = 'torn'")[0] == "0"  # the owner's own recovery agrees with the copy

record(
    busy_timeout_s=BUSY_S,
    exclusive_owner_direct_read=f"{direct} after {direct_s:.2f} s",
    exclusive_owner_mode_ro=read_only,
    exclusive_owner_immutable_rows=f"{immutable} of 105 (misses the -wal)",
    exclusive_owner_snapshot_rows=owner_rows,
    exclusive_owner_snapshot_s=round(owner_s, 3),
    viewer_snapshot_rows=f"{viewer_rows} (its unwritten DELETE not included)",
    spilled_transaction_snapshot_torn_rows=torn_rows,
)
