"""Queries for the contribution form's worked example: a curated snippet and its check."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import Entry, Snippet

MIN_EXAMPLE_CHARS = 400  # shorter checks show too little of what a check does


def example_check(*, session: Session, language: str = "python") -> Snippet | None:
    """The shortest substantial check of a curated, active entry's snippet in `language`."""
    length = func.length(col(Snippet.check_code))
    query = (
        select(Snippet)
        .join(Entry, col(Entry.id) == col(Snippet.entry_id))
        .where(Entry.origin == "curated", Entry.status == "active")
        .where(Snippet.language == language, Snippet.kind == "published")
        .where(col(Snippet.check_code).is_not(None), length >= MIN_EXAMPLE_CHARS)
        .order_by(length, col(Snippet.entry_id), col(Snippet.slug))
    )
    return session.exec(query.limit(1)).first()


def get_snippet(*, session: Session, entry_id: str, slug: str) -> Snippet | None:
    """One snippet of an active entry, by its slug."""
    query = (
        select(Snippet)
        .join(Entry, col(Entry.id) == col(Snippet.entry_id))
        .where(Snippet.entry_id == entry_id, Snippet.slug == slug, Entry.status == "active")
    )
    return session.exec(query).first()
