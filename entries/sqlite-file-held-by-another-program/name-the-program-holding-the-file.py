"""Fail fast, naming the program that holds a SQLite file, instead of 'database is locked'."""

import os
import sqlite3
from pathlib import Path

# WRONG: raising timeout=, PRAGMA journal_mode=WAL or BEGIN IMMEDIATE when the only other user of
# the file is another program with an open write transaction (DB Browser for SQLite with unwritten
# changes, SQLiteStudio or an IDE's database view with a pending commit, the app that owns the file,
# a leftover process of an earlier run). Nothing in the script can end that transaction: every
# write waits out its busy timeout and fails with "database is locked", and switching to WAL fails
# the same way. The holder has to commit, roll back or exit.

SIDE_FILES = ("", "-journal", "-wal")  # SQLite locks the database file; these travel with it
ELSEWHERE = (
    "find it with `lsof {path}` or `fuser -v {path}` (macOS, Linux); on Windows, Resource "
    "Monitor > CPU > Associated Handles, search for the file name, or `handle.exe {name}`"
)


class DatabaseHeldError(RuntimeError):
    """Another program holds a lock on the database file; the script cannot get past it."""


def _file_ids(path: Path) -> set[str]:
    """The database's files as /proc/locks names them: MAJOR:MINOR:INODE, in hex:hex:decimal."""
    ids = set()
    for suffix in SIDE_FILES:
        try:
            st = os.stat(f"{path}{suffix}")
        except FileNotFoundError:
            continue
        ids.add(f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}")
    return ids


def _command(pid: int, proc: str = "/proc") -> str:
    """A process's command line, shortened (its name alone if the line cannot be read)."""
    try:
        raw = Path(f"{proc}/{pid}/cmdline").read_bytes()
        line = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    except OSError:
        line = ""
    return (line or f"pid {pid}")[:80]


def lock_holders(path: str | os.PathLike, locks_text: str | None = None) -> dict[int, str]:
    """{pid: command} of other processes holding file locks on the database (Linux /proc/locks)."""
    if locks_text is None:
        try:
            locks_text = Path("/proc/locks").read_text(encoding="utf-8")
        except OSError:  # not Linux
            return {}
    ids, holders = _file_ids(Path(path)), {}
    for line in locks_text.splitlines():
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->":  # "->": a process waiting for a lock
            continue
        pid, file_id = int(fields[4]), fields[5]
        if file_id in ids and pid > 0 and pid != os.getpid():  # OFD locks show pid -1
            holders[pid] = _command(pid)
    return holders


def processes_with_file_open(path: str | os.PathLike, proc: str = "/proc") -> dict[int, str]:
    """{pid: command} of other processes with the database open at all (what `fuser` lists)."""
    wanted = {os.path.realpath(f"{path}{suffix}") for suffix in SIDE_FILES}
    found = {}
    for entry in os.listdir(proc) if os.path.isdir(proc) else []:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            links = {
                os.readlink(f"{proc}/{entry}/fd/{fd}") for fd in os.listdir(f"{proc}/{entry}/fd")
            }
        except OSError:  # gone, or another user's process
            continue
        if links & wanted:
            found[int(entry)] = _command(int(entry), proc)
    return found


def held_message(path: str | os.PathLike) -> str:
    """Name whoever holds the file, and what to do about it."""
    holders = lock_holders(path) or processes_with_file_open(path)
    if holders:
        who = ", ".join(f"pid {pid} ({cmd})" for pid, cmd in sorted(holders.items()))
    else:
        where = ELSEWHERE.format(path=path, name=Path(path).name)
        who = f"a process this script cannot see; {where}"
    return (
        f"{path} is locked by another program: {who}. Close it, or press Write Changes (or Revert "
        "Changes) in it, or stop the leftover process, then run again. A longer timeout, WAL or "
        "BEGIN IMMEDIATE cannot get past another program's open transaction."
    )


def begin_write(conn: sqlite3.Connection, path: str | os.PathLike) -> None:
    """BEGIN IMMEDIATE on an autocommit connection (isolation_level=None); if another program
    keeps the write lock past the connection's busy timeout, raise DatabaseHeldError naming it."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        raise DatabaseHeldError(held_message(path)) from exc


def connect_for_writing(path: str | os.PathLike, wait_s: float = 2.0) -> sqlite3.Connection:
    """A connection that waits `wait_s` for the write lock, then fails naming the holder."""
    conn = sqlite3.connect(path, timeout=wait_s, isolation_level=None)
    try:
        begin_write(conn, path)  # find out now, before any work, that the file is free
    except BaseException:
        conn.close()
        raise
    conn.execute("ROLLBACK")
    return conn
