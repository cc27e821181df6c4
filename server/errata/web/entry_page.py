"""An entry's page (root cause, then its fixes, recommended first) and its "did this fix
work?" control, which records an outcome exactly as REST and MCP `report_outcome` do."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from .. import security, store
from ..api.deps import ServicesDep, get_services
from ..outcomes import OutcomeIn, UnknownTargetError, record_outcome
from ..public import EntryPublic, FixPublic
from ..rate_limits import RateLimited
from ..security.writers import writer_key
from .pages import error_page, page

router = APIRouter(include_in_schema=False)
SYMPTOMS_SHOWN = 5  # the rest fold away: the fixes are what a reader came for
OUTCOME_CHOICES = (
    ("worked", "Yes"),
    ("worked_with_changes", "Yes, with changes"),
    ("did_not_work", "No"),
)


def ordered_fixes(entry: EntryPublic) -> list[FixPublic]:
    """The entry's fixes, its order of preference first (the recommended fix leads)."""
    rank = {fix_id: i for i, fix_id in enumerate(entry.preference)}
    return sorted(entry.fixes, key=lambda f: rank.get(f.id, len(rank)))


@router.get("/entries/{entry_id}", response_class=HTMLResponse)
def entry_page(
    request: Request, entry_id: str, services: ServicesDep, reported: str = ""
) -> Response:
    """One entry: root cause, fixes with their code and records, symptoms, environment."""
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id[:80])
    if entry is None:
        return error_page(request, 404, f"No entry has the id {entry_id[:80]!r}.")
    context = {
        "entry": entry,
        "fixes": ordered_fixes(entry),
        "reported": reported[:80],
        "symptoms_shown": SYMPTOMS_SHOWN,
        "outcome_choices": OUTCOME_CHOICES,
        "can_report": services.settings.anonymous_writes,  # else reports need an API key
    }
    return page(request, "entry.html", context)


def _field(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


@router.post("/entries/{entry_id}/outcomes", response_class=HTMLResponse)
async def report_outcome_form(request: Request, entry_id: str) -> Response:
    """Record whether a fix worked: CSRF-checked, then the same rules as REST and MCP
    (the entry and fix must exist, a few reports a minute per client)."""
    services = get_services(request)
    form = await request.form()
    try:
        security.check_csrf(request, services, _field(form, security.CSRF_FIELD))
        client_key = await run_in_threadpool(writer_key, request, services)
        report = OutcomeIn(fix_id=_field(form, "fix_id"), outcome=_field(form, "outcome"))
        await run_in_threadpool(record_outcome, services, entry_id, report, client_key=client_key)
    except HTTPException as exc:
        return error_page(request, exc.status_code, str(exc.detail))
    except ValidationError:
        return error_page(request, 422, "Choose one of the answers to report for a fix.")
    except UnknownTargetError as exc:
        return error_page(request, 404, str(exc))
    except RateLimited as exc:
        return page(
            request, "error.html", {"status": 429, "message": f"{str(exc).capitalize()}."}, 429,
            {"Retry-After": str(exc.retry_after)},
        )  # fmt: skip
    target = f"/entries/{quote(entry_id)}?reported={quote(report.fix_id)}#fix-{report.fix_id}"
    return RedirectResponse(target, status_code=303)
