"""Queries on outcome reports: agents saying whether a fix worked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, delete, func, select

from ..models import Entry, OutcomeReport
from .keys import KEYED_CLIENT
from .meta import bump_counter

OUTCOME_REVISION_KEY = "outcome_revision"
MIN_CLIENTS = 3  # distinct clients before reports move ranking (ERRATA_OUTCOME_MIN_CLIENTS)
GOOD = ("worked", "worked_with_changes")
KEYED_WEIGHT = 2.0  # a keyed client's reports weigh as much as two anonymous clients'


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


def delete_outcomes(*, session: Session, entry_id: str, fix_slug: str | None = None) -> int:
    """Delete an entry's reports (one fix's when fix_slug is given); how many went."""
    query = delete(OutcomeReport).where(col(OutcomeReport.entry_id) == entry_id)
    if fix_slug is not None:
        query = query.where(col(OutcomeReport.fix_slug) == fix_slug)
    return int(session.exec(query).rowcount)


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


def outcome_scores(*, session: Session, min_clients: int = MIN_CLIENTS) -> dict[str, float]:
    """Per entry, in -1..1: each client's latest report per fix counts once, an entry has no
    score until `min_clients` distinct clients reported, and a contributed entry's score is
    never above 0 (reports can lower it, never lift it over a curated one)."""
    latest = select(func.max(OutcomeReport.id)).group_by(
        col(OutcomeReport.entry_id), col(OutcomeReport.fix_slug), col(OutcomeReport.client_key)
    )
    rows = session.exec(
        select(
            OutcomeReport.entry_id, OutcomeReport.client_key, OutcomeReport.outcome, Entry.origin
        )
        .join(Entry, col(Entry.id) == col(OutcomeReport.entry_id))
        .where(col(OutcomeReport.id).in_(latest))
    )
    tallies: dict[str, _Tally] = {}
    for entry_id, client, outcome, origin in rows:
        tallies.setdefault(entry_id, _Tally(origin)).add(client, outcome)
    return {e: t.score() for e, t in tallies.items() if t.client_weight() >= min_clients}


def client_weight(client_key: str | None) -> float:
    """How much one client's reports weigh: a keyed writer (issued by a maintainer) counts
    as two clients toward the floor and in the score."""
    return KEYED_WEIGHT if client_key is not None and client_key.startswith(KEYED_CLIENT) else 1.0


@dataclass
class _Tally:
    """One entry's latest reports, weighted by client."""

    origin: str
    clients: dict[str | None, float] = field(default_factory=dict)
    net: float = 0.0
    total: float = 0.0

    def add(self, client: str | None, outcome: str) -> None:
        weight = self.clients.setdefault(client, client_weight(client))
        self.net += weight * ((outcome in GOOD) - (outcome == "did_not_work"))
        self.total += weight

    def client_weight(self) -> float:
        return sum(self.clients.values())

    def score(self) -> float:
        score = self.net / self.total
        return min(score, 0.0) if self.origin == "contributed" else score
