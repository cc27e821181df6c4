"""Queries for browsing: entries filtered by tag or language, sorted, and what errata knows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, Subquery, cast
from sqlmodel import Session, col, func, select

from ..models import Entry, Fix, OutcomeReport, Snippet, Symptom, VerificationRun
from ..public import EntryPage, EntrySummary

Sort = Literal["recent", "reported"]


def _contains(column: Any, value: str) -> ColumnElement[bool]:
    """A JSON list column holds `value` (a LIKE on its text: the same on SQLite and
    PostgreSQL; the quotes make it a whole item, the escapes keep `%` and `_` literal)."""
    needle = json.dumps(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(column, String).like(f"%{needle}%", escape="\\")


def _reports() -> Subquery:
    """Outcome reports per entry, as a subquery to join on."""
    return (
        select(OutcomeReport.entry_id, func.count().label("reports"))
        .group_by(OutcomeReport.entry_id)
        .subquery()
    )


def browse_entries(
    *, session: Session, tag: str = "", language: str = "", sort: Sort, limit: int, offset: int
) -> EntryPage:
    """A page of active entries with the tag and language given (either may be empty),
    the most recently updated or the most reported first."""
    query = select(Entry).where(Entry.status == "active")
    if tag:
        query = query.where(_contains(Entry.tags, tag))
    if language:
        query = query.where(_contains(Entry.languages, language))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    if sort == "reported":
        reports = _reports()
        count = func.coalesce(reports.c.reports, 0)
        query = query.outerjoin(reports, reports.c.entry_id == Entry.id)
        query = query.order_by(count.desc(), col(Entry.id))
    else:
        query = query.order_by(col(Entry.updated_at).desc(), col(Entry.id))
    entries = session.exec(query.offset(offset).limit(limit)).all()
    return EntryPage(
        items=entry_summaries(session, entries), total=int(total), limit=limit, offset=offset
    )


def entry_summaries(session: Session, entries: Sequence[Entry]) -> list[EntrySummary]:
    """Entries as a list shows them, with their symptom and fix counts (two grouped queries)."""
    ids = [e.id for e in entries]
    fixes = _count_by_entry(session, Fix.entry_id, ids)
    symptoms = _count_by_entry(session, Symptom.entry_id, ids)
    return [
        EntrySummary(
            id=e.id,
            title=e.title,
            tags=e.tags,
            languages=e.languages,
            origin=e.origin,
            symptom_count=symptoms.get(e.id, 0),
            fix_count=fixes.get(e.id, 0),
        )
        for e in entries
    ]


def _count_by_entry(session: Session, column: Any, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    rows = session.exec(select(column, func.count()).where(col(column).in_(ids)).group_by(column))
    return {str(entry_id): int(n) for entry_id, n in rows}


def entry_count(*, session: Session) -> int:
    """How many entries are active."""
    query = select(func.count()).select_from(Entry).where(Entry.status == "active")
    return int(session.exec(query).one())


def verified_fix_count(*, session: Session) -> int:
    """Fixes of active entries with a snippet whose current code passed its check."""
    passed = (
        select(Snippet.entry_id, Snippet.fix_slug)
        .join(
            VerificationRun,
            (col(VerificationRun.entry_id) == col(Snippet.entry_id))
            & (col(VerificationRun.snippet_slug) == col(Snippet.slug))
            & (col(VerificationRun.code_hash) == col(Snippet.code_hash)),
        )
        .join(Entry, col(Entry.id) == col(Snippet.entry_id))
        .where(VerificationRun.status == "passed", Entry.status == "active")
        .distinct()
        .subquery()
    )
    return int(session.exec(select(func.count()).select_from(passed)).one())
