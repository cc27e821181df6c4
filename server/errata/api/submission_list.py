"""The maintainers' list of submissions (`GET /api/submissions`) and who made an edit."""

from __future__ import annotations

from fastapi import Request

from .. import security, store
from ..contributions import lifecycle
from ..contributions.public import SubmissionPage, SubmissionSummary
from ..models import SubmissionStatus
from ..services import Services

ALL_STATUSES: tuple[str, ...] = SubmissionStatus.__args__  # type: ignore[attr-defined]


def statuses(wanted: str) -> tuple[str, ...] | None:
    """`open`, `all`, or statuses joined by commas -> the statuses (None: all); ValueError."""
    names = [name.strip().lower() for name in wanted.split(",") if name.strip()]
    if not names or names == ["open"]:
        return lifecycle.OPEN_STATUSES
    if names == ["all"]:
        return None
    unknown = [name for name in names if name not in ALL_STATUSES]
    if unknown:
        known = ", ".join(ALL_STATUSES)
        raise ValueError(f"unknown status {unknown[0][:40]!r}: use open, all or one of {known}")
    return tuple(names)


def page(
    services: Services, wanted: tuple[str, ...] | None, *, offset: int, limit: int
) -> SubmissionPage:
    """One page of submissions in these statuses, oldest first."""
    with services.database.read() as session:
        total = store.count_submissions(session=session, statuses=wanted)
        found = store.list_submissions(session=session, statuses=wanted, limit=limit, offset=offset)
    items = [
        SubmissionSummary.model_validate({**s.model_dump(), "status_url": f"/submissions/{s.id}"})
        for s in found
    ]
    following = offset + len(items)
    return SubmissionPage(
        items=items,
        total=total,
        offset=offset,
        limit=limit,
        next_offset=following if following < total else None,
    )


def editor(request: Request, services: Services) -> str:
    """Who edits, as far as errata can tell: the maintainer's way in and hashed address."""
    auth = security.maintainer_auth(request, services) or "unknown"
    return f"maintainer ({auth}, client {security.client_key(request)})"
