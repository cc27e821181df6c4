"""The maintainers' list of submissions (`GET /api/submissions`) and who made an edit."""

from __future__ import annotations

from fastapi import Request

from .. import security, store
from ..contributions import lifecycle
from ..contributions.public import SubmissionPage, SubmissionSummary
from ..models import SubmissionStatus
from ..services import Services

ALL_STATUSES: tuple[str, ...] = SubmissionStatus.__args__  # type: ignore[attr-defined]
_NAME = "|".join(("open", "all", *ALL_STATUSES))
STATUS_PATTERN = rf"^\s*(?:{_NAME})\s*(?:,\s*(?:{_NAME})\s*)*$"  # the spec says what is valid


def statuses(wanted: str) -> tuple[str, ...] | None:
    """`open`, `all`, or statuses joined by commas -> the statuses (None: all); ValueError."""
    names = [name.strip().lower() for name in wanted.split(",") if name.strip()] or ["open"]
    if "all" in names:
        return None
    found: list[str] = []
    for name in names:
        if name not in ("open", *ALL_STATUSES):
            known = ", ".join(ALL_STATUSES)
            raise ValueError(f"unknown status {name[:40]!r}: use open, all or one of {known}")
        found += lifecycle.OPEN_STATUSES if name == "open" else (name,)
    return tuple(dict.fromkeys(found))


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
