"""The home page: a search box, three example traces to try, what errata knows; and the
search results, the confident answer first with its recommended fix's code."""

from __future__ import annotations

import time
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import security, store
from ..answers import brief_answer
from ..api.deps import ServicesDep
from ..db import Database
from ..search import SearchInputError, SearchUnavailable
from ..search.admission import SearchRefused
from ..services import Services
from .pages import page

router = APIRouter(include_in_schema=False)
COUNT_SECONDS = 60.0
_counted: WeakKeyDictionary[Database, tuple[float, dict[str, int]]] = WeakKeyDictionary()

EXAMPLES = (  # (what it is, the trace): each finds an entry (tests/test_web_pages.py)
    (
        "A lock held across a slow call",
        "Traceback (most recent call last):\n"
        '  File "/srv/app/workers.py", line 88, in handle\n'
        "    async with acquire_with_timeout(state_lock, 5.0):\n"
        "RuntimeError: Could not acquire lock within 5.0s — possible deadlock\n"
        "10 agent workers running, but throughput is the same as 1: all waiting on one lock held "
        "across a slow LLM call",
    ),
    (
        "A coroutine nobody awaited",
        "/srv/app/jobs.py:41: RuntimeWarning: coroutine 'fetch_page' was never awaited\n"
        "  fetch_page(url)\n"
        "RuntimeWarning: Enable tracemalloc to get the object allocation traceback",
    ),
    (
        "A datetime in a JSON payload",
        "Traceback (most recent call last):\n"
        '  File "/srv/app/api.py", line 64, in publish\n'
        "    body = json.dumps(event)\n"
        '  File "/usr/lib/python3.11/json/__init__.py", line 231, in dumps\n'
        "    return _default_encoder.encode(obj)\n"
        "TypeError: Object of type datetime is not JSON serializable",
    ),
)


def examples() -> list[tuple[str, str]]:
    """Each example's label and the link that runs its search."""
    return [(label, "/?" + urlencode({"q": trace})) for label, trace in EXAMPLES]


def knowledge(services: Services) -> dict[str, int]:
    """How many entries errata has, and how many of their fixes' code passed a check (counted
    at most once a minute per database: the join is not free at a million entries)."""
    counted_at, counts = _counted.get(services.database, (0.0, {}))
    if time.monotonic() - counted_at < COUNT_SECONDS:
        return counts
    with services.database.read() as session:
        counts = {
            "entries": store.entry_count(session=session),
            "verified_fixes": store.verified_fix_count(session=session),
        }
    _counted[services.database] = (time.monotonic(), counts)
    return counts


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request, services: ServicesDep, q: str = "", language: str = ""
) -> Response:
    """Paste a trace, see the answer first (root cause, recommended fix), other matches below."""
    response, error, status, headers = None, "", 200, {}
    if q.strip():
        client = security.client_key(request)
        try:
            response = services.search(q, limit=5, language=language or None, client=client)
        except SearchRefused as exc:
            error, status = str(exc), 503 if exc.busy else 429
            headers = {"Retry-After": exc.retry_after_header}
        except (SearchInputError, SearchUnavailable) as exc:
            error, status = str(exc), 400
    context = {
        "q": q,
        "language": language,
        "response": response,
        "brief": brief_answer(response, q) if response else None,
        "error": error,
        "examples": examples() if not q.strip() else [],
        "knowledge": knowledge(services) if not q.strip() else None,
    }
    return page(request, "search.html", context, status, headers)
