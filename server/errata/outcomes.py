"""Outcome reports: an agent says whether a fix worked; stored, counted, and fed to ranking.

REST (`server/api/outcomes.py`) and MCP (`server/mcp_server/tools.py`) both call `record_outcome`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import store
from .observe import gaps
from .public import OutcomePublic, OutcomesResetPublic
from .rate_limits import check_rate
from .schema.vocab import MAX_DETAILS_CHARS, MAX_ENVIRONMENT_CHARS, Outcome
from .services import Services


class UnknownTargetError(LookupError):
    """The entry or the fix a report names does not exist."""


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
    check_rate(
        services.database,
        action="outcome",
        client_key=client_key,
        per_minute=services.settings.outcome_rate_per_minute,
        what="outcome reports",
    )
    with services.database.write() as session:
        row = store.add_outcome(
            session=session,
            entry_id=entry_id,
            fix_slug=report.fix_id,
            outcome=report.outcome,
            details=report.details or "",
            environment=report.environment or "",
            client_key=client_key,
        )
        counts = store.outcome_counts(session=session, entry_id=entry_id)
        store.bump_outcome_revision(session=session)  # every index reloads its outcome scores
    services.refresh_index()  # reports change ranking; a failed refresh loses nothing stored
    if report.outcome == "did_not_work":
        gaps.record_did_not_work(services, entry_id, report.fix_id, report.details or "")
    assert row.id is not None
    return OutcomePublic(
        id=row.id,
        entry_id=entry_id,
        fix_id=report.fix_id,
        outcome=report.outcome,
        counts=counts.get(entry_id, {}).get(report.fix_id, {}),
        created_at=row.created_at,
    )


def reset_outcomes(
    services: Services, entry_id: str, fix_id: str | None = None
) -> OutcomesResetPublic:
    """Delete an entry's reports (or one fix's) for a maintainer; ranking forgets them at once."""
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise UnknownTargetError(f"no entry with id {entry_id!r}")
    with services.database.write() as session:
        deleted = store.delete_outcomes(session=session, entry_id=entry_id, fix_slug=fix_id)
        store.bump_outcome_revision(session=session)
    services.refresh_index()
    return OutcomesResetPublic(entry_id=entry_id, fix_id=fix_id, deleted=deleted)
