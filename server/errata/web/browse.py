"""Browsing: every entry, paged, filtered by tag or language, sorted by recent or most reported;
`/tags/<tag>` is the entry list for one tag."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import store
from ..api.deps import ServicesDep
from ..public import EntryPage
from .pages import error_page, page

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
SORTS = (("recent", "Recently updated"), ("reported", "Most reported"))


def _link(tag: str, language: str, sort: str, offset: int) -> str:
    params = {"tag": tag, "language": language, "sort": sort, "offset": offset}
    return "/entries?" + urlencode({k: v for k, v in params.items() if v and v != "recent"})


def pager(found: EntryPage, tag: str, language: str, sort: str) -> dict[str, str]:
    """Links to the previous and next pages, where there are some."""
    links = {}
    if found.offset > 0:
        links["previous"] = _link(tag, language, sort, max(0, found.offset - found.limit))
    if found.offset + found.limit < found.total:
        links["next"] = _link(tag, language, sort, found.offset + found.limit)
    return links


def _page(
    request: Request, services: ServicesDep, tag: str, language: str, sort: str, offset: str
) -> Response:
    if sort not in dict(SORTS):
        return error_page(request, 400, "sort is either recent or reported.")
    if not offset.isdigit() or int(offset) > 10_000_000:
        return error_page(request, 400, "offset is a whole number from 0 (the first entry).")
    tag, language = tag.strip()[:80], language.strip().lower()[:40]  # tags keep their case
    with services.database.read() as session:
        found = store.browse_entries(
            session=session, tag=tag, language=language, sort=sort,  # type: ignore[arg-type]
            limit=PER_PAGE, offset=int(offset),
        )  # fmt: skip
    context = {
        "found": found,
        "tag": tag,
        "language": language,
        "sort": sort,
        "sorts": SORTS,
        "pager": pager(found, tag, language, sort),
    }
    return page(request, "entries.html", context)


@router.get("/entries", response_class=HTMLResponse)
def entries_page(
    request: Request,
    services: ServicesDep,
    tag: str = "",
    language: str = "",
    sort: str = "recent",
    offset: str = "0",
) -> Response:
    """Every entry, newest or most reported first, optionally for one tag or language."""
    return _page(request, services, tag, language, sort, offset)


@router.get("/tags/{tag:path}", response_class=HTMLResponse)  # a tag may hold a "/"
def tag_page(
    request: Request,
    services: ServicesDep,
    tag: str,
    sort: str = "recent",
    offset: str = "0",
) -> Response:
    """The entries that carry one tag."""
    return _page(request, services, tag, "", sort, offset)
