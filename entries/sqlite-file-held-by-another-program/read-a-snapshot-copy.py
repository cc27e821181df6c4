"""Read a SQLite database that a running application keeps locked (Firefox's places.sqlite,
Chrome's History, Zotero's zotero.sqlite, Plex's library): query a consistent copy of it."""

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

# WRONG: sqlite3.connect(".../places.sqlite").execute("SELECT ...") while Firefox runs. Firefox,
# Chrome and Zotero open their databases in exclusive locking mode, so even a reader gets
# "database is locked" (after its whole busy timeout); `?mode=ro` fails the same way, and
# Connection.backup() retries forever. `?immutable=1` opens it but skips every lock and the -wal
# file: it misses the latest changes and can read torn pages while the owner writes.

# The -wal holds committed frames; a hot -journal undoes a write caught halfway.
SIDE_FILES = ("", "-wal", "-journal")


def _stamp(path: Path) -> tuple[tuple[int, int], ...]:
    """Size and modification time of the database and its side files (0, 0 when absent)."""
    stamps = []
    for suffix in SIDE_FILES:
        try:
            st = os.stat(f"{path}{suffix}")
            stamps.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            stamps.append((0, 0))
    return tuple(stamps)


def _vacuum_into(path: Path, copy: Path, wait_s: float) -> bool:
    """SQLite's own consistent copy, through a read-only connection; False if the owner's lock
    keeps even readers out (exclusive locking mode)."""
    src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=wait_s)
    try:
        src.execute("VACUUM INTO ?", (str(copy),))
        return True
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    finally:
        src.close()


def _copy_files(path: Path, copy: Path, attempts: int) -> None:
    """Copy the files byte for byte until they stay unchanged during a copy; opening the copy
    replays its WAL or rolls back its hot journal, which gives the last committed state."""
    for _ in range(attempts):
        before = _stamp(path)
        for suffix in SIDE_FILES:
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
        if _stamp(path) == before and _intact(copy):
            return
        time.sleep(0.05)
    raise sqlite3.OperationalError(f"{path} kept changing while it was copied; try again later")


def _intact(copy: Path) -> bool:
    conn = sqlite3.connect(copy)
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def snapshot(path: str | os.PathLike, wait_s: float = 0.5, attempts: int = 5) -> Path:
    """A consistent copy of the database in a new temporary folder (delete it when done)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    copy = Path(tempfile.mkdtemp(prefix="sqlite-snapshot-")) / path.name
    if not _vacuum_into(path, copy, wait_s):
        _copy_files(path, copy, attempts)
    return copy


def open_snapshot(path: str | os.PathLike, wait_s: float = 0.5) -> sqlite3.Connection:
    """A read-only connection to a fresh copy: queries never wait on, or block, the owner."""
    conn = sqlite3.connect(snapshot(path, wait_s))
    conn.execute("PRAGMA query_only = ON")  # writes to a copy would be lost: refuse them
    return conn
