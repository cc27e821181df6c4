"""A missing or read-only folder makes SQLite fail with "unable to open database file";
open_database creates the folder, or names the absolute path and the reason."""

import os
import sqlite3
import tempfile
from pathlib import Path

from errata_check import load_snippet, record


def sqlite_error(path: Path, sql: str = "CREATE TABLE t (x)") -> str:
    """The message SQLite gives for opening PATH and writing to it, or "" when it works."""
    try:
        sqlite3.connect(path).execute(sql)
        return ""
    except sqlite3.OperationalError as error:
        return str(error)


root = Path(tempfile.mkdtemp())
missing = sqlite_error(root / "data" / "app.db")  # ./data was never created
assert missing == "unable to open database file", missing
assert not (root / "data").exists()

locked = root / "locked"
locked.mkdir()
sqlite3.connect(locked / "old.db").execute("CREATE TABLE t (x)").connection.commit()
locked.chmod(0o555)  # a root-owned volume, a read-only container filesystem
as_root = os.geteuid() == 0 or os.access(locked, os.W_OK)  # permissions do not bite root
new_file = sqlite_error(locked / "app.db")
existing = sqlite_error(locked / "old.db", "INSERT INTO t VALUES (1)")
if not as_root:
    assert new_file == "unable to open database file", new_file
    assert existing in {"unable to open database file", "attempt to write a readonly database"}, existing

ns = load_snippet()
fresh = root / "fresh" / "nested" / "app.db"
conn = ns["open_database"](fresh)  # the folders are made first
conn.execute("CREATE TABLE t (x)")
assert fresh.parent.is_dir() and fresh.is_file()
os.chdir(root)  # a relative path follows the code's folder, not the working directory
relative = ns["open_database"]("relative-data/app.db")
assert relative.execute("PRAGMA database_list").fetchone()[2] == str(Path(ns["HERE"]) / "relative-data" / "app.db")
assert not (root / "relative-data").exists()

refused = ""
if not as_root:
    try:
        ns["open_database"](locked / "app.db")
    except ns["DatabaseFolderError"] as error:
        refused = str(error)
    assert str(locked / "app.db") in refused and "may not write the folder" in refused, refused
blocked = root / "file-not-folder"
blocked.write_text("", encoding="utf-8")
try:
    ns["open_database"](blocked / "app.db")
    cannot_create = ""
except ns["DatabaseFolderError"] as error:
    cannot_create = str(error)
assert cannot_create.startswith(f"cannot create the database folder {blocked}"), cannot_create
locked.chmod(0o755)
record(missing=missing, new_file=new_file, existing=existing, as_root=as_root, refused=refused)
