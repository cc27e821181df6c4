"""Maintainer sessions' revocations (rows of `meta`) and the count of recent wrong guesses."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, func, select

from ..models import Meta, RateEvent, utcnow

REVOKED_PREFIX = "revoked-session:"


def session_revoked(*, session: Session, session_id: str) -> bool:
    """True when this maintainer session was signed out."""
    return session.get(Meta, REVOKED_PREFIX + session_id) is not None


def revoke_session(*, session: Session, session_id: str, issued: int) -> None:
    """Record a sign-out (idempotent)."""
    if session.get(Meta, REVOKED_PREFIX + session_id) is None:
        session.add(Meta(key=REVOKED_PREFIX + session_id, value=issued))


def recent_events(*, session: Session, key: str, window_seconds: float) -> int:
    """How many rate events of `key` fall within the window."""
    since = utcnow() - timedelta(seconds=window_seconds)
    statement = select(func.count()).where(
        col(RateEvent.key) == key, col(RateEvent.created_at) >= since
    )
    return int(session.exec(statement).one())
