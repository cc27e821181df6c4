"""Real module imports: a declarative registry is filled when a model's module is imported. A
start script that imports only the Base creates no table ('no such table: users' afterwards) and
an autogenerate sees no change, or drops every table; importing the models package first creates
both tables, and an empty or partial metadata is refused by name."""

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
FILES = {
    "shop/__init__.py": "",
    "shop/orm.py": (  # stands in for SQLAlchemy's declarative Base and its MetaData
        "class MetaData:\n"
        "    def __init__(self):\n"
        "        self.tables = {}\n\n"
        "    def create_all(self, bind):\n"
        "        for name, columns in self.tables.items():\n"
        "            bind.execute(f\"CREATE TABLE IF NOT EXISTS {name} ({', '.join(columns)})\")\n"
        "        bind.commit()\n\n\n"
        "class Base:\n"
        "    metadata = MetaData()\n\n"
        "    def __init_subclass__(cls, **kwargs):\n"
        "        super().__init_subclass__(**kwargs)\n"
        "        cls.metadata.tables[cls.__tablename__] = cls.__columns__\n"
    ),
    "shop/models/__init__.py": "",
    "shop/models/users.py": (
        "from shop.orm import Base\n\n\nclass User(Base):\n    __tablename__ = 'users'\n"
        "    __columns__ = ('id INTEGER PRIMARY KEY', 'email TEXT NOT NULL')\n"
    ),
    "shop/models/orders.py": (
        "from shop.orm import Base\n\n\nclass Order(Base):\n    __tablename__ = 'orders'\n"
        "    __columns__ = ('id INTEGER PRIMARY KEY', 'user_id INTEGER REFERENCES users (id)')\n"
    ),
    "create_db.py": (  # the wrong start script: it imports the Base, never the models
        "import json, sqlite3, sys\n"
        "from shop.orm import Base\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "Base.metadata.create_all(db)\n"
        "try:\n"
        "    db.execute('INSERT INTO users (email) VALUES (?)', ('a@example.com',))\n"
        "    error = None\n"
        "except sqlite3.OperationalError as exc:\n"
        "    error = str(exc)\n"
        "print(json.dumps({'metadata': sorted(Base.metadata.tables), 'error': error}))\n"
    ),
}
for name, text in FILES.items():
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def db_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows} - {"alembic_version"}


def autogenerate(metadata, conn: sqlite3.Connection) -> list[str]:
    """What Alembic's autogenerate compares: the metadata's tables against the database's."""
    ops = [f"Detected added table '{t}'" for t in sorted(set(metadata.tables) - db_tables(conn))]
    ops += [f"Detected removed table '{t}'" for t in sorted(db_tables(conn) - set(metadata.tables))]
    return ops or ["No changes in schema detected."]


# 1. The wrong start script in a fresh interpreter: create_all ran, nothing was created.
naive_db = folder / "naive.db"
run = subprocess.run(
    [sys.executable, "create_db.py", str(naive_db)],
    cwd=folder, capture_output=True, text=True, timeout=60, check=True,
)
naive = json.loads(run.stdout)
assert naive == {"metadata": [], "error": "no such table: users"}, naive
assert db_tables(sqlite3.connect(naive_db)) == set()

# 2. The same in this process: only the Base is imported, so autogenerate sees nothing to do on
# an empty database and drops every table of a migrated one.
sys.path.insert(0, str(folder))
from shop.orm import Base  # noqa: E402

migrated = sqlite3.connect(folder / "migrated.db")
migrated.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)")
migrated.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)")
empty_autogen = autogenerate(Base.metadata, sqlite3.connect(":memory:"))
assert empty_autogen == ["No changes in schema detected."], empty_autogen
dropping = autogenerate(Base.metadata, migrated)
assert dropping == ["Detected removed table 'orders'", "Detected removed table 'users'"]

ns = load_snippet()
refusals = []
try:
    ns["require_tables"](Base.metadata)
    raise AssertionError("an empty metadata was accepted")
except ns["ModelsNotImported"] as error:
    refusals.append(str(error))

# 3. One model module imported by chance (a view imports User): orders is still missing.
import shop.models.users  # noqa: E402, F401

try:
    ns["require_tables"](Base.metadata, {"users", "orders"})
    raise AssertionError("a metadata without orders was accepted")
except ns["ModelsNotImported"] as error:
    refusals.append(str(error))
assert refusals[0].startswith("the metadata has no tables"), refusals
assert refusals[1].startswith("the metadata has no table orders"), refusals

# 4. The fix: import the whole models package, check, create.
fixed = sqlite3.connect(folder / "fixed.db")
created = ns["create_all_models"](Base.metadata, fixed, ["shop.models"], {"users", "orders"})
assert created == ["orders", "users"], created
assert "shop.models.orders" in sys.modules
assert db_tables(fixed) == {"users", "orders"}
fixed.execute("INSERT INTO users (email) VALUES ('a@example.com')")
fixed.execute("INSERT INTO orders (user_id) VALUES (1)")
assert fixed.execute("SELECT email FROM users JOIN orders ON users.id = orders.user_id").fetchall()
assert autogenerate(Base.metadata, migrated) == ["No changes in schema detected."]
fresh_autogen = autogenerate(Base.metadata, sqlite3.connect(":memory:"))
assert fresh_autogen == ["Detected added table 'orders'", "Detected added table 'users'"]
assert ns["import_models"]("shop.models") == ["shop.models", "shop.models.orders", "shop.models.users"]

record(
    naive_start_script=naive,
    autogenerate_without_models={"empty_database": empty_autogen, "migrated_database": dropping},
    refusals=refusals,
    created_with_models=created,
    autogenerate_with_models_on_empty_database=fresh_autogen,
)
