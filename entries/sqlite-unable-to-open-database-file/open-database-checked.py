"""Open a SQLite database after making sure its folder exists and the process may write it."""

import os
import sqlite3
from pathlib import Path

# WRONG: the folder ./data is missing (fresh install, volume not mounted) or not writable:
#     sqlite3.connect("data/app.db")  -> sqlite3.OperationalError: unable to open database file

HERE = Path(__file__).resolve().parent


class DatabaseFolderError(RuntimeError):
    """The database's folder is missing and cannot be made, or the process may not write it."""


def database_folder_problem(path: Path) -> str:
    """Why SQLite could not open a file in this folder, or "" when the folder is usable."""
    folder = path.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the process (uid {os.geteuid()}) may not write the folder {folder} (journal and WAL files live there)"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"the process (uid {os.geteuid()}) may not read and write {path}"
    return ""


def open_database(path: str | Path) -> sqlite3.Connection:
    """Resolve the path against this code's folder, create the folder, check access, connect."""
    resolved = (HERE / Path(path).expanduser()).resolve()
    try:
        resolved.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseFolderError(f"cannot create the database folder {resolved.parent}: {error}") from error
    problem = database_folder_problem(resolved)
    if problem:
        raise DatabaseFolderError(f"cannot open the SQLite database {resolved}: {problem}")
    return sqlite3.connect(resolved)
