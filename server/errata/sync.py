"""Idempotent load of `entries/` into the database: parse everything, then apply in one go.

Every folder is parsed and validated before anything is written, and all changes are applied
in one transaction, so a bad file leaves the database exactly as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from . import store
from .config import Settings
from .db import Database
from .entry_files import parse_entries
from .migrations import migrate
from .models import EntryDraft, draft_hash
from .records import import_records

log = logging.getLogger("errata")
# A load that changes this many entries refreshes PostgreSQL's planner statistics at once (its
# autovacuum's own threshold: 50 rows plus 10% of the table, checked about once a minute).
ANALYZE_AFTER = 50


@dataclass
class SyncReport:
    """What a load changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    revision: int | None = None
    records: int = 0  # verification records imported (records.py)

    @property
    def changed(self) -> bool:
        """True when the load wrote anything."""
        return bool(self.added or self.updated or self.retired)

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.retired)} retired, {len(self.unchanged)} unchanged, "
            f"{self.records} verification records imported"
        )


def plan_sync(drafts: list[EntryDraft], current: dict[str, str]) -> SyncReport:
    """Compare parsed drafts with the database's hashes of file-loaded entries."""
    report = SyncReport()
    wanted = {draft.id: draft_hash(draft) for draft in drafts}
    for entry_id, digest in wanted.items():
        if entry_id not in current:
            report.added.append(entry_id)
        elif current[entry_id] != digest:
            report.updated.append(entry_id)
        else:
            report.unchanged.append(entry_id)
    report.retired = sorted(set(current) - set(wanted))
    return report


def is_behind(database: Database, entries_dir: Path) -> bool:
    """True when `entries/` holds anything the database does not."""
    drafts = parse_entries(entries_dir)
    with database.read() as session:
        current = store.entry_hashes(session=session, from_files=True)
    return plan_sync(drafts, current).changed


def sync_entries(database: Database, entries_dir: Path) -> SyncReport:
    """Load `entries/` into the database; a second run changes nothing."""
    drafts = parse_entries(entries_dir)
    by_id = {draft.id: draft for draft in drafts}
    with database.write() as session:
        current = store.entry_hashes(session=session, from_files=True)
        report = plan_sync(drafts, current)
        for entry_id in report.added + report.updated:
            store.upsert_entry(session=session, draft=by_id[entry_id], from_files=True)
        for entry_id in report.retired:
            store.retire_entry(session=session, entry_id=entry_id)
        if report.changed:
            report.revision = store.bump_revision(session=session)
    report.records = import_records(database, entries_dir)
    if len(report.added) + len(report.updated) + report.records >= ANALYZE_AFTER:
        _analyze(database)
    return report


def _analyze(database: Database) -> None:
    """Refresh the planner statistics; a failure costs slower plans for a minute, not the load."""
    try:
        database.analyze()
    except DBAPIError as exc:
        log.warning("ANALYZE after the load failed: %s", exc.orig)


def prepare_database(settings: Settings, database: Database | None = None) -> Database:
    """Open the database, apply migrations, and load `entries/` if the database is behind."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = database or Database.from_settings(settings)
    migrate(database)
    if settings.entries_dir.is_dir() and is_behind(database, settings.entries_dir):
        report = sync_entries(database, settings.entries_dir)
        log.info("loaded entries: %s", report.summary())
    return database
