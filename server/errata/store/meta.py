"""Shared counters in the `meta` table: one row per key, advanced inside a write transaction."""

from __future__ import annotations

from sqlmodel import Session

from ..models import Meta


def bump_counter(*, session: Session, key: str) -> int:
    """Advance the counter `key` (row-locked, in the caller's transaction) and return it."""
    row = session.get(Meta, key, with_for_update=True)
    if row is None:
        row = Meta(key=key, value=0)
    row.value += 1
    session.add(row)
    session.flush()
    return row.value
