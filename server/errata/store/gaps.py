"""Gaps: the masked questions errata could not answer, one row per message template."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from ..models import Gap, utcnow


def record_gap(*, session: Session, source: str, template: str, language: str, example: str) -> Gap:
    """Count one more occurrence of a template (a new row the first time)."""
    now = utcnow()
    row = session.exec(select(Gap).where(Gap.source == source, Gap.template == template)).first()
    if row is None:
        row = Gap(source=source, template=template, first_seen=now)
    row.count += 1
    row.last_seen, row.example = now, example
    row.language = row.language or language
    session.add(row)
    session.flush()
    return row


def prune_gaps(*, session: Session, older_than: datetime) -> int:
    """Delete the gaps last seen before a time; how many went."""
    result = session.exec(delete(Gap).where(col(Gap.last_seen) < older_than))
    return int(result.rowcount or 0)


def prune_gaps_days(*, session: Session, days: int) -> int:
    """Delete the gaps not seen for `days` days."""
    return prune_gaps(session=session, older_than=utcnow() - timedelta(days=days))


def list_gaps(*, session: Session, limit: int = 50, source: str | None = None) -> list[Gap]:
    """The most frequent gaps first, then the most recent."""
    query = select(Gap)
    if source is not None:
        query = query.where(Gap.source == source)
    query = query.order_by(col(Gap.count).desc(), col(Gap.last_seen).desc()).limit(limit)
    return list(session.exec(query).all())
