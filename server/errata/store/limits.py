"""Rate limits counted in the database, so they hold across every process sharing it."""

from __future__ import annotations

import math
import zlib
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, col, delete, func, select

from ..models import RateEvent, utcnow


def _serialize(session: Session, key: str) -> None:
    """Make concurrent checks of one key take turns.

    SQLite write transactions already begin IMMEDIATE (one writer at a time); PostgreSQL
    needs a transaction-scoped advisory lock on the key, or two processes could both count
    one event too few and both insert.
    """
    if session.get_bind().dialect.name == "postgresql":
        lock_id = zlib.crc32(key.encode("utf-8")) - 2**31
        session.exec(text("SELECT pg_advisory_xact_lock(:id)").bindparams(id=lock_id))  # type: ignore[call-overload]
    else:  # the first statement begins the IMMEDIATE transaction: take the lock before the clock
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]


def hit_rate_limit(
    *, session: Session, key: str, limit: int, window_seconds: float, now: datetime | None = None
) -> float | None:
    """Count one event for `key`; None if allowed, else the seconds until one is allowed.

    Call it inside a write transaction; a refused event is not counted. The clock is read
    after the lock is taken, so events are counted in the order they happened.
    """
    _serialize(session, key)
    now = now or utcnow()
    start = now - timedelta(seconds=window_seconds)
    session.exec(
        delete(RateEvent).where(col(RateEvent.key) == key, col(RateEvent.created_at) < start)
    )
    count, oldest = session.exec(
        select(func.count(), func.min(RateEvent.created_at)).where(
            RateEvent.key == key, col(RateEvent.created_at) >= start
        )
    ).one()
    if limit <= 0 or (count >= limit and oldest is not None):
        if oldest is None:
            return window_seconds
        if oldest.tzinfo is None:  # SQLite hands back naive datetimes
            oldest = oldest.replace(tzinfo=now.tzinfo)
        return min(window_seconds, max(1.0, math.ceil((oldest - start).total_seconds())))
    session.add(RateEvent(key=key, created_at=now))
    session.flush()
    return None
