"""Maintainers' pages: errors errata could not answer, and how fixes fare in the field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import security, store
from ..api.deps import ServicesDep, get_services
from ..observe import gaps
from ..outcomes import UnknownTargetError, reset_outcomes
from .pages import error_page, page

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


def outcome_rows(services: ServicesDep) -> list[dict[str, object]]:
    """Per entry and fix: reports and distinct clients by outcome, most failing first."""
    with services.database.read() as session:
        counts = store.outcome_clients(session=session)
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for entry, fix, outcome, reports, clients in counts:
        row = rows.setdefault((entry, fix), {"entry": entry, "fix": fix})
        row[outcome] = (reports, clients)
    return sorted(rows.values(), key=_failing_clients, reverse=True)


def _failing_clients(row: dict[str, object]) -> int:
    reports_clients = row.get("did_not_work", (0, 0))
    return int(reports_clients[1]) if isinstance(reports_clients, tuple) else 0


@router.get("/moderate/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, services: ServicesDep) -> Response:
    """Outcome reports per entry and fix, by distinct clients (maintainers)."""
    if not security.is_maintainer(request, services):
        return page(request, "login.html", {"error": ""})
    context = {"rows": outcome_rows(services), "min_clients": services.settings.outcome_min_clients}
    return page(request, "outcomes.html", context)


@router.post("/moderate/outcomes", response_class=HTMLResponse)
async def reset_outcomes_form(request: Request) -> Response:
    """Delete one fix's reports (or the whole entry's) from the outcomes page."""
    services = get_services(request)
    form = await request.form()
    try:
        security.check_csrf(request, services, _field(form, security.CSRF_FIELD))
        security.require_maintainer(request, services, csrf_checked=True)
    except HTTPException as exc:
        return error_page(request, exc.status_code, str(exc.detail))
    entry_id = _field(form, "entry_id")[:80]
    fix_id = _field(form, "fix_id")[:80] if _field(form, "scope") == "fix" else None
    try:
        await run_in_threadpool(reset_outcomes, services, entry_id, fix_id)
    except UnknownTargetError as exc:
        return error_page(request, 404, str(exc))
    return RedirectResponse("/moderate/outcomes", status_code=303)


def _field(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
