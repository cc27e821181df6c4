"""Outcome reports: an agent says whether a fix worked; stored, counted, and fed to ranking.

REST (`server/api_outcomes.py`) and MCP (`server/mcp_tools.py`) both call `record_outcome`.
"""

from __future__ import annotations

import logging
import math

from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import store
from .models import Outcome, UtcDatetime
from .services import Services

log = logging.getLogger("errata.outcomes")

MAX_DETAILS_CHARS = 4_000
MAX_ENVIRONMENT_CHARS = 2_000
RATE_WINDOW_SECONDS = 60.0


class UnknownTargetError(LookupError):
    """The entry or the fix a report names does not exist."""


class ReportsRateLimited(RuntimeError):
    """Too many reports from one client; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            f"too many outcome reports from this client; try again in {self.retry_after} s"
        )


class OutcomeIn(BaseModel):
    """A report of whether one fix of an entry worked."""

    model_config = ConfigDict(extra="forbid")

    fix_id: str = Field(
        min_length=1, max_length=80, description="The fix's id, as get_entry shows it."
    )
    outcome: Outcome = Field(description="worked, worked_with_changes or did_not_work.")
    details: str | None = Field(
        default=None, max_length=MAX_DETAILS_CHARS, description="What happened, in a few lines."
    )
    environment: str | None = Field(
        default=None,
        max_length=MAX_ENVIRONMENT_CHARS,
        description="Language, library versions, OS: whatever made a difference.",
    )

    @field_validator("fix_id", "details", "environment")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("contains a NUL character")
        return value


class OutcomePublic(BaseModel):
    """A stored report and the fix's running counts by outcome."""

    id: int
    entry_id: str
    fix_id: str
    outcome: Outcome
    counts: dict[str, int]
    created_at: UtcDatetime


def record_outcome(
    services: Services, entry_id: str, report: OutcomeIn, *, client_key: str
) -> OutcomePublic:
    """Store one report in a short write, then ask the search index to refresh its ranking.

    Each client may send `settings.outcome_rate_per_minute` reports a minute (counted in the
    database, so across processes): more would let one client skew ranking.
    """
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise UnknownTargetError(f"no entry with id {entry_id!r}")
    fix_ids = [fix.id for fix in entry.fixes]
    if report.fix_id not in fix_ids:
        raise UnknownTargetError(
            f"entry {entry_id!r} has no fix {report.fix_id!r}; its fixes are: {', '.join(fix_ids)}"
        )
    with services.database.write() as session:
        retry = store.hit_rate_limit(
            session=session,
            key=f"outcome:{client_key}",
            limit=services.settings.outcome_rate_per_minute,
            window_seconds=RATE_WINDOW_SECONDS,
        )
        if retry is not None:
            raise ReportsRateLimited(retry)
        row = store.add_outcome(
            session=session,
            entry_id=entry_id,
            fix_slug=report.fix_id,
            outcome=report.outcome,
            details=report.details or "",
            environment=report.environment or "",
        )
        counts = store.outcome_counts(session=session, entry_id=entry_id)
        store.bump_outcome_revision(session=session)  # every index reloads its outcome scores
    _refresh_index(services)
    assert row.id is not None
    return OutcomePublic(
        id=row.id,
        entry_id=entry_id,
        fix_id=report.fix_id,
        outcome=report.outcome,
        counts=counts.get(entry_id, {}).get(report.fix_id, {}),
        created_at=row.created_at,
    )


def _refresh_index(services: Services) -> None:
    """Reports change ranking; a failed refresh must not lose the stored report."""
    index = services.index
    try:
        if callable(getattr(index, "refresh", None)):
            index.refresh()
        elif callable(getattr(index, "refresh_if_changed", None)):
            index.refresh_if_changed(services.database)
    except Exception:
        log.exception("search index refresh after an outcome report failed")
