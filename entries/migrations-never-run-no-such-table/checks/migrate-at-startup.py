"""A database whose migrations never ran fails at the first query with 'no such table'; migrate
brings it to the code's version (once, keeping data, atomically) and require_schema names the gap."""

import sqlite3
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
fresh = sqlite3.connect(folder / "fresh.db")
naive = []
try:
    fresh.execute("SELECT id, email FROM users").fetchall()
except sqlite3.OperationalError as error:
    naive.append(str(error))
assert naive == ["no such table: users"], naive

ns = load_snippet()
Old = ns["SchemaOutOfDate"]
try:
    ns["require_schema"](fresh, "fresh.db")
    raise AssertionError("an unmigrated database accepted")
except Old as error:
    refused = str(error)
assert refused.startswith("fresh.db is at schema version 0, this code needs 3: run the migrations")
assert ns["migrate"](fresh) == 3 and ns["migrate"](fresh) == 3  # a second run changes nothing
fresh.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'Ann')")
fresh.execute("INSERT INTO orders (user_id, total_cents) VALUES (1, 1999)")
ns["require_schema"](fresh, "fresh.db")

old = sqlite3.connect(folder / "old.db")  # deployed at version 1, new code needs orders and name
ns["migrate"](old, ns["MIGRATIONS"][:1])
old.execute("INSERT INTO users (email) VALUES ('b@example.com')")
old.commit()
try:
    old.execute("SELECT total_cents FROM orders").fetchall()
except sqlite3.OperationalError as error:
    naive.append(str(error))
assert naive[1] == "no such table: orders", naive
assert ns["migrate"](old) == 3
assert old.execute("SELECT email, name FROM users").fetchall() == [("b@example.com", None)]

broken = ns["MIGRATIONS"] + ["CREATE TABLE audit (id INTEGER PRIMARY KEY); ALTER TABLE nope ADD x"]
try:
    ns["migrate"](old, broken)
    raise AssertionError("a failing migration passed")
except sqlite3.OperationalError:
    pass
assert ns["schema_version"](old) == 3  # rolled back: no version bump ...
tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
assert "audit" not in tables, tables  # ... and no half-applied table
record(naive_errors=naive, refused=refused, version_after=ns["schema_version"](old))
