"""The maintainers' page of errors errata could not answer (`/moderate/gaps`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import security
from ..api.deps import ServicesDep
from ..observe import gaps
from .pages import page

router = APIRouter(include_in_schema=False)


@router.get("/moderate/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, services: ServicesDep) -> Response:
    """The most frequent unanswered errors, each with a link that starts an entry from it."""
    if not security.is_maintainer(request, services):
        return page(request, "login.html", {"error": ""})
    rows = gaps.top_gaps(services, limit=100)
    context = {
        "gaps": rows,
        "collecting": services.settings.collect_gaps,
        "retention_days": services.settings.gaps_retention_days,
    }
    return page(request, "gaps.html", context)
