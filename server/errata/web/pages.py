"""The web pages: search and entries (the contribution pages are in contribute.py and
moderate.py). Thin: parse, call, render.

Pages work without JavaScript; /static/app.js only makes the form's add/remove rows instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import security, store
from ..answers.layout import shown_first
from ..api.deps import ServicesDep, get_services
from ..contributions import lifecycle
from ..search import SearchInputError, SearchUnavailable
from ..search.admission import SearchRefused
from ..services import Services
from . import landing, render

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(
    submission_shown=lifecycle.run_shown,
    markdown=render.markdown,
    highlight=render.highlight,
    figure_view=render.figure_view,
    shown_first=shown_first,
)
router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the pages and the static files to an app."""
    from . import contribute, moderate, ops_pages  # they use `page` from here

    app.include_router(router)
    app.include_router(contribute.router)  # the form, trials, submissions
    app.include_router(moderate.router)
    app.router.routes.append(landing.ROUTE)  # before the MCP route: browsers get the page
    app.include_router(ops_pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render a template with a CSRF token for its forms (and the cookie it is bound to)."""
    services = get_services(request)
    token, fresh = security.csrf_token(request, services)
    context = {
        "csrf_token": token,
        "maintainer": security.is_maintainer(request, services),
        **context,
    }
    response = templates.TemplateResponse(
        request, name, context, status_code=status, headers=headers
    )
    security.set_csrf_cookie(request, response, fresh)
    return response


def error_page(request: Request, status: int, message: str) -> Response:
    """A plain error page."""
    return page(request, "error.html", {"status": status, "message": message}, status)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request, services: ServicesDep, q: str = "", language: str = ""
) -> Response:
    """Paste a trace, see ranked matches with their confidence and why."""
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
    context = {"q": q, "language": language, "response": response, "error": error}
    return page(request, "search.html", context, status, headers)


@router.get("/entries/{entry_id}", response_class=HTMLResponse)
def entry_page(request: Request, entry_id: str, services: ServicesDep) -> Response:
    """One entry: symptoms, root cause, fixes with highlighted code and their records."""
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id[:80])
    if entry is None:
        return error_page(request, 404, f"No entry has the id {entry_id[:80]!r}.")
    return page(request, "entry.html", {"entry": entry})


def _refused(
    request: Request, services: Services, form: Any, *, maintainer: bool = False
) -> Response | None:
    """The error page for a form post without a valid CSRF token (or maintainer), else None."""
    try:
        security.check_csrf(request, services, _field(form, security.CSRF_FIELD))
        if maintainer:
            security.require_maintainer(request, services, csrf_checked=True)
    except HTTPException as exc:
        return error_page(request, exc.status_code, str(exc.detail))
    return None


def _field(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
