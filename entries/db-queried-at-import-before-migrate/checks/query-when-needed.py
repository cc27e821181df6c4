"""A module that queries at import makes `migrate` fail on a fresh database before it can create
the table; the lazy module imports cleanly, migrate runs, and the choices follow the data."""

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
db_path = folder / "shop.db"
os.environ["SHOP_DB"] = str(db_path)
(folder / "shop_forms.py").write_text(
    "import os\nimport sqlite3\n\n"
    "_db = sqlite3.connect(os.environ['SHOP_DB'])\n"
    "CATEGORY_CHOICES = _db.execute('SELECT id, name FROM shop_category ORDER BY name').fetchall()\n",
    encoding="utf-8",
)
sys.path.insert(0, str(folder))

MIGRATIONS = [
    "CREATE TABLE shop_category (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "INSERT INTO shop_category (name) VALUES ('books'), ('games')",
    "CREATE TABLE django_site (id INTEGER PRIMARY KEY, domain TEXT NOT NULL)",
    "INSERT INTO django_site (domain) VALUES ('shop.example')",
]


def get_connection() -> sqlite3.Connection:
    """The application's connection (Django: django.db.connection)."""
    return sqlite3.connect(db_path)


def tables() -> set[str]:
    return {r[0] for r in get_connection().execute("SELECT name FROM sqlite_master")}


def manage_migrate(load_project) -> None:
    """What manage.py does: load every app module first, then migrate."""
    load_project()
    conn = get_connection()
    for statement in MIGRATIONS:
        conn.execute(statement)
    conn.commit()


def load_eager_project() -> None:
    import shop_forms  # noqa: F401 - importing it runs its query


errors = []
try:
    manage_migrate(load_eager_project)
except sqlite3.OperationalError as error:
    errors.append(str(error))
assert errors == ["no such table: shop_category"], errors
assert tables() == set(), tables()  # migrate never ran: the table it needs is still missing

ns = load_snippet({"get_connection": get_connection})  # importing the lazy module queries nothing
manage_migrate(lambda: load_snippet({"get_connection": get_connection}))
assert tables() == {"shop_category", "django_site"}, tables()
assert ns["category_choices"]() == [(1, "books"), (2, "games")]
assert ns["site_domain"]() == "shop.example"

import shop_forms  # noqa: E402 - after migrate the eager module imports, but its value is frozen

conn = get_connection()
conn.execute("INSERT INTO shop_category (name) VALUES ('art')")
conn.commit()
assert shop_forms.CATEGORY_CHOICES == [(1, "books"), (2, "games")]  # stale until a restart
assert ns["OrderForm"]().category_choices == [(3, "art"), (1, "books"), (2, "games")]
record(eager_import_error=errors[0], lazy_choices=[list(c) for c in ns["category_choices"]()])
