"""Queries on outcome reports: agents saying whether a fix worked."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, func, select

from ..models import OutcomeReport


def add_outcome(
    *,
    session: Session,
    entry_id: str,
    fix_slug: str,
    outcome: str,
    details: str = "",
    environment: str = "",
) -> OutcomeReport:
    """Store one outcome report."""
    report = OutcomeReport(
        entry_id=entry_id,
        fix_slug=fix_slug,
        outcome=outcome,
        details=details,
        environment=environment,
    )
    session.add(report)
    session.flush()
    return report


def outcome_counts(
    *, session: Session, entry_id: str | None = None
) -> dict[str, dict[str, dict[str, int]]]:
    """Counts by entry, then fix, then outcome (all entries when entry_id is None)."""
    query = select(
        OutcomeReport.entry_id, OutcomeReport.fix_slug, OutcomeReport.outcome, func.count()
    ).group_by(OutcomeReport.entry_id, OutcomeReport.fix_slug, OutcomeReport.outcome)
    if entry_id is not None:
        query = query.where(OutcomeReport.entry_id == entry_id)
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for entry, fix, outcome, count in session.exec(query):
        counts[entry][fix][outcome] = int(count)
    return {entry: dict(fixes) for entry, fixes in counts.items()}
