"""A database path that does not depend on the working directory, opened without creating it."""

import os
import sqlite3
from pathlib import Path

# WRONG: resolved against os.getcwd(); from another directory it creates an empty database:
#     conn = sqlite3.connect("app.db")
#     conn.execute("SELECT * FROM users")  -> sqlite3.OperationalError: no such table: users

HERE = Path(__file__).resolve().parent


def database_path(name: str = "app.db", env: str = "APP_DATABASE") -> Path:
    """An absolute path: the setting if given, else next to this code file."""
    configured = os.environ.get(env)
    return Path(configured).expanduser().resolve() if configured else HERE / name


def connect_existing(path: Path) -> sqlite3.Connection:
    """Open a database that must exist; a wrong path fails here instead of making an empty file."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True)


def sqlalchemy_url(path: Path) -> str:
    """sqlite:/// + an absolute path (four slashes in all)."""
    return f"sqlite:///{Path(path).resolve()}"
