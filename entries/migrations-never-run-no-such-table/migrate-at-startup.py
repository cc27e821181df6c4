"""Bring the database's schema up to date before serving, and refuse to run against an old one."""

import sqlite3

# WRONG: start the app on a fresh database (a new clone, a new container, a test run) or deploy
# new models without migrating: the first query fails, far from the cause.
#   django.db.utils.OperationalError: no such table: accounts_profile
#   sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable) relation "orders" does not exist
# Django: python manage.py migrate (check: migrate --check); Alembic: alembic upgrade head;
# Flask-SQLAlchemy without migrations: db.create_all() inside the app context.

MIGRATIONS = [  # append only: migration N brings the schema to version N
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),"
    " total_cents INTEGER NOT NULL)",
    "ALTER TABLE users ADD COLUMN name TEXT",
]


class SchemaOutOfDate(RuntimeError):
    """The database's schema does not match the code's: migrations were not applied."""


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, migrations: list[str] = MIGRATIONS) -> int:
    """Apply the migrations this database has not had, each with its version in one transaction."""
    for version in range(schema_version(conn) + 1, len(migrations) + 1):
        try:
            conn.executescript(
                f"BEGIN; {migrations[version - 1]}; PRAGMA user_version = {version}; COMMIT;"
            )
        except sqlite3.Error:
            if conn.in_transaction:
                conn.rollback()
            raise
    return schema_version(conn)


def require_schema(conn: sqlite3.Connection, name: str, needed: int = len(MIGRATIONS)) -> None:
    """Fail at startup, naming the database and both versions, when the schema does not match."""
    version = schema_version(conn)
    if version < needed:
        raise SchemaOutOfDate(
            f"{name} is at schema version {version}, this code needs {needed}: "
            "run the migrations (manage.py migrate, alembic upgrade head) before starting"
        )
    if version > needed:
        raise SchemaOutOfDate(f"{name} is at schema version {version}, newer than this code ({needed})")


# At startup: conn = sqlite3.connect(path); migrate(conn)  - or, where a separate deploy step
# migrates, require_schema(conn, path) so a skipped step fails at once with what to run.
