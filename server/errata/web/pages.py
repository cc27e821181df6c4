"""The web pages' shared rendering: `page`, `error_page` and the form helpers (search, entry,
browse, contribution and moderation pages live in their own modules). Pages work without
JavaScript; /static/app.js only makes the form's rows and the copy buttons instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import security
from ..answers.layout import shown_first
from ..answers.why import plain_why
from ..api.deps import get_services
from ..contributions import lifecycle
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
    plain_why=plain_why,
)
router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the pages and the static files to an app."""
    from . import browse, contribute, entry_page, moderate, ops_pages, search_page  # use page()

    app.include_router(search_page.router)
    app.include_router(browse.router)
    app.include_router(entry_page.router)
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
