"""Schema migrations: an ordered list of functions, each applied once, in its own transaction.

A new schema change appends a function; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

from . import models
from .db import Database

Migration = tuple[int, str, Callable[[Connection], None]]


def _initial_schema(connection: Connection) -> None:
    tables = [
        models.Entry,
        models.Symptom,
        models.Fix,
        models.Snippet,
        models.VerificationRun,
        models.Job,
        models.Submission,
        models.OutcomeReport,
        models.RateEvent,
        models.Meta,
    ]
    SQLModel.metadata.create_all(connection, tables=[t.__table__ for t in tables])  # type: ignore[attr-defined]
    connection.execute(text("INSERT INTO meta (key, value) VALUES ('index_revision', 1)"))


def _run_flags(connection: Connection) -> None:
    # A database made by migration 1 from today's models has the column already.
    columns = {c["name"] for c in inspect(connection).get_columns("verificationrun")}
    if "flags" not in columns:
        connection.execute(
            text("ALTER TABLE verificationrun ADD COLUMN flags JSON NOT NULL DEFAULT '[]'")
        )


def _entry_changed_revision(connection: Connection) -> None:
    """Each entry records the index revision that last changed it (NULL: changed, not yet
    stamped), so a search index takes in only what changed since its own revision."""
    connection.execute(text("ALTER TABLE entry ADD COLUMN changed_revision INTEGER"))
    connection.execute(
        text(
            "UPDATE entry SET changed_revision ="
            " (SELECT value FROM meta WHERE key = 'index_revision')"
        )
    )
    connection.execute(text("CREATE INDEX ix_entry_changed_revision ON entry (changed_revision)"))


def _gaps(connection: Connection) -> None:
    SQLModel.metadata.create_all(connection, tables=[models.Gap.__table__])  # type: ignore[attr-defined]


def _outcome_clients(connection: Connection) -> None:
    columns = {c["name"] for c in inspect(connection).get_columns("outcomereport")}
    if "client_key" not in columns:  # databases made from the models already have it
        connection.execute(text("ALTER TABLE outcomereport ADD COLUMN client_key VARCHAR(16)"))


def _api_keys(connection: Connection) -> None:
    SQLModel.metadata.create_all(connection, tables=[models.ApiKey.__table__])  # type: ignore[attr-defined]


def _run_source(connection: Connection) -> None:
    """Runs say where they come from: `harness` (run here) or `record` (a shipped record)."""
    columns = {c["name"] for c in inspect(connection).get_columns("verificationrun")}
    if "source" not in columns:
        connection.execute(
            text(
                "ALTER TABLE verificationrun ADD COLUMN source VARCHAR(20)"
                " NOT NULL DEFAULT 'harness'"
            )
        )


_CHOICE_COLUMNS = {
    "entry": [
        ("preference", "JSON NOT NULL DEFAULT '[]'"),
        ("preference_reason", "TEXT NOT NULL DEFAULT ''"),
        ("distinguish", "TEXT NOT NULL DEFAULT ''"),
    ],
    "fix": [
        ("applies_when", "TEXT NOT NULL DEFAULT ''"),
        ("for_symptoms", "JSON NOT NULL DEFAULT '[]'"),
    ],
}


def _fix_choice(connection: Connection) -> None:
    """When each fix applies, the entry's order of preference, and what confirms its cause."""
    for table, wanted in _CHOICE_COLUMNS.items():
        columns = {c["name"] for c in inspect(connection).get_columns(table)}
        for name, kind in wanted:
            if name not in columns:  # databases made from the models already have it
                connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {kind}"))


def _trials(connection: Connection) -> None:
    """Contributors' sandbox runs before they submit (kept only until shown)."""
    SQLModel.metadata.create_all(connection, tables=[models.Trial.__table__])  # type: ignore[attr-defined]


def _submission_history(connection: Connection) -> None:
    """Maintainers' edits of a submission before approval: who, when, which fields."""
    columns = {c["name"] for c in inspect(connection).get_columns("submission")}
    if "history" not in columns:  # databases made from the models already have it
        connection.execute(
            text("ALTER TABLE submission ADD COLUMN history JSON NOT NULL DEFAULT '[]'")
        )


MIGRATIONS: list[Migration] = [
    (1, "initial schema", _initial_schema),
    (2, "static review flags on verification runs", _run_flags),
    (3, "entry changed_revision", _entry_changed_revision),
    (4, "gaps: masked questions errata could not answer", _gaps),
    (5, "outcome reports: the hashed client, to count distinct clients", _outcome_clients),
    (6, "API keys for writers (hashed)", _api_keys),
    (7, "verification run source", _run_source),
    (8, "fixes: applies_when, for_symptoms; entries: preference, distinguish", _fix_choice),
    (9, "trials: sandbox runs of a contribution before it is submitted", _trials),
    (10, "submission history: maintainers' edits before approval", _submission_history),
]


def _ensure_version_table(connection: Connection) -> None:
    connection.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL)"
        )
    )


def migrate(database: Database) -> list[int]:
    """Apply every pending migration; safe when several processes start at once."""
    applied: list[int] = []
    for version, name, apply in MIGRATIONS:
        connection = database.engine.connect().execution_options(errata_write=True)
        with connection, connection.begin():
            if not database.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(7355608)"))
            _ensure_version_table(connection)
            done = connection.execute(
                text("SELECT 1 FROM schema_migrations WHERE version = :v"), {"v": version}
            ).first()
            if done:
                continue
            apply(connection)
            connection.execute(
                text("INSERT INTO schema_migrations (version, name) VALUES (:v, :n)"),
                {"v": version, "n": name},
            )
            applied.append(version)
    return applied
