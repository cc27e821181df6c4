"""A relative name opened from another directory finds an empty new database; the anchored
path and mode=rw reach the real one or refuse."""

import os
import sqlite3
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

project = Path(tempfile.mkdtemp()) / "project"
elsewhere = project.parent / "cron-home"
project.mkdir()
elsewhere.mkdir()
with sqlite3.connect(project / "app.db") as setup:
    setup.execute("CREATE TABLE users (name TEXT)")
    setup.execute("INSERT INTO users VALUES ('ada')")
setup.close()

start = os.getcwd()
os.chdir(project)
ok = sqlite3.connect("app.db").execute("SELECT name FROM users").fetchall()
assert ok == [("ada",)]  # works from the project folder
os.chdir(elsewhere)
try:
    sqlite3.connect("app.db").execute("SELECT name FROM users")
    wrong = ""
except sqlite3.OperationalError as error:
    wrong = str(error)
assert wrong == "no such table: users", wrong
assert (elsewhere / "app.db").exists()  # the stray empty database it created
(elsewhere / "app.db").unlink()
os.chdir(start)  # where the harness put the snippet

ns = load_snippet()
os.chdir(elsewhere)  # the fixed code does not care where it runs
path = ns["database_path"]()
assert path.is_absolute() and path.name == "app.db"
os.environ["APP_DATABASE"] = str(project / "app.db")
path = ns["database_path"]()
assert path == (project / "app.db").resolve()
rows = ns["connect_existing"](path).execute("SELECT name FROM users").fetchall()
assert rows == [("ada",)]
try:
    ns["connect_existing"](elsewhere / "app.db")
    refused = ""
except sqlite3.OperationalError as error:
    refused = str(error)
assert refused == "unable to open database file" and not (elsewhere / "app.db").exists()
assert ns["sqlalchemy_url"](path) == f"sqlite:///{path}" and ns["sqlalchemy_url"](path).startswith("sqlite:////")
record(wrong=wrong, refused=refused)
