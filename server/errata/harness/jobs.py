"""Queueing verification jobs: its errors, and which snippets a restart should re-run."""

from __future__ import annotations

from .. import store
from ..db import Database


class QueueFull(RuntimeError):
    """The verification queue holds `verify_queue_size` jobs already."""


class UnknownTarget(LookupError):
    """The entry (or other target) to verify does not exist."""


def stale_snippets(database: Database, *, rerun_records: bool) -> dict[str, list[str]]:
    """Each entry needing verification, with the slugs of its stale snippets."""
    with database.read() as session:
        return {
            entry_id: [
                snippet.slug
                for snippet in store.snippets_to_verify(
                    session=session, entry_id=entry_id, only_stale=True, rerun_records=rerun_records
                )
            ]
            for entry_id in store.entries_needing_verification(
                session=session, rerun_records=rerun_records
            )
        }
