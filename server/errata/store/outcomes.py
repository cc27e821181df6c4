"""Queries on outcome reports: agents saying whether a fix worked."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from ..models import OutcomeReport
from .meta import bump_counter

OUTCOME_REVISION_KEY = "outcome_revision"


def add_outcome(
    *,
    session: Session,
    entry_id: str,
    fix_slug: str,
    outcome: str,
    details: str = "",
    environment: str = "",
    client_key: str | None = None,
) -> OutcomeReport:
    """Store one outcome report."""
    report = OutcomeReport(
        entry_id=entry_id,
        fix_slug=fix_slug,
        outcome=outcome,
        details=details,
        environment=environment,
        client_key=client_key,
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


def outcome_clients(*, session: Session) -> list[tuple[str, str, str, int, int]]:
    """(entry, fix, outcome, reports, distinct clients), entries and fixes in order."""
    query = (
        select(  # type: ignore[call-overload]
            OutcomeReport.entry_id,
            OutcomeReport.fix_slug,
            OutcomeReport.outcome,
            func.count(),
            func.count(func.distinct(OutcomeReport.client_key)),
        )
        .group_by(OutcomeReport.entry_id, OutcomeReport.fix_slug, OutcomeReport.outcome)
        .order_by(OutcomeReport.entry_id, OutcomeReport.fix_slug)
    )
    return [(e, f, o, int(n), int(c)) for e, f, o, n, c in session.exec(query)]


def bump_outcome_revision(*, session: Session) -> int:
    """Advance the outcome counter (in the caller's transaction): only ranking scores moved."""
    return bump_counter(session=session, key=OUTCOME_REVISION_KEY)


def outcome_scores(*, session: Session) -> dict[str, float]:
    """Per entry, (worked - did_not_work) / reports, in -1..1; one grouped query."""
    outcome = col(OutcomeReport.outcome)
    good = case((outcome.in_(["worked", "worked_with_changes"]), 1), else_=0)
    bad = case((outcome == "did_not_work", 1), else_=0)
    rows = session.exec(
        select(OutcomeReport.entry_id, func.sum(good), func.sum(bad), func.count()).group_by(
            col(OutcomeReport.entry_id)
        )
    )
    return {
        entry_id: (int(g or 0) - int(b or 0)) / int(total)
        for entry_id, g, b, total in rows
        if total
    }
