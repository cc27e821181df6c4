"""The moderation pages: the queue with what to judge, edits before approval, decisions.

Each card shows the root cause, the code, the check, the harness result and the nearest
existing entry with a diff of symptoms; a maintainer may correct the words (recorded in the
submission's history) before approving, and an approval links to the entry it made.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from .. import security, store
from ..api.deps import ServicesDep, get_services
from ..api.submission_list import editor
from ..contributions import editing, lifecycle, moderation
from ..contributions.submission import SubmissionInvalid
from ..models import Submission
from ..rate_limits import RateLimited
from ..security import sessions
from ..services import Services
from .contribute import submission_context
from .pages import _field, _refused, error_page, page

router = APIRouter(include_in_schema=False)


def _approved(services: Services, submission_id: str) -> Submission | None:
    """The submission, when it is approved (the page then links to its entry)."""
    with services.database.read() as session:
        found = store.get_submission(session=session, submission_id=submission_id[:40])
    return found if found is not None and found.status == "approved" else None


def moderation_view(
    request: Request,
    services: Services,
    *,
    extra: dict[str, Any] | None = None,
    failed_edit: tuple[str, dict[str, str], dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    """The queue page; a refused edit comes back in its card, as typed, with its errors."""
    with services.database.read() as session:
        open_ids = [
            s.id for s in store.list_submissions(session=session, statuses=lifecycle.OPEN_STATUSES)
        ]
        decided = store.list_submissions(
            session=session, statuses=("approved", "rejected"), limit=20, newest_first=True
        )
    queue = [c for c in (submission_context(services, i) for i in open_ids) if c is not None]
    for item in queue:
        item["review"] = moderation.review(services, item["submission"])
        if failed_edit is not None and item["submission"].id == failed_edit[0]:
            item["edit_errors"], item["edit_values"] = failed_edit[1], failed_edit[2]
    context = {"queue": queue, "decided": decided, "done": "", "approved": None, **(extra or {})}
    return page(request, "moderate.html", context, status)


@router.get("/moderate", response_class=HTMLResponse)
def moderate_page(
    request: Request, services: ServicesDep, done: str = "", approved: str = ""
) -> Response:
    """The moderation queue (maintainers), or the sign-in form."""
    if not security.is_maintainer(request, services):
        return page(request, "login.html", {"error": ""})
    extra = {"done": done[:200], "approved": _approved(services, approved) if approved else None}
    return moderation_view(request, services, extra=extra)


@router.post("/moderate/login", response_class=HTMLResponse)
async def moderate_login(request: Request) -> Response:
    """Sign in with the maintainer token (sets an HttpOnly, SameSite=Strict cookie)."""
    services = get_services(request)
    form = await request.form()
    refused = _refused(request, services, form)
    if refused is not None:
        return refused
    token_ok = security.token_matches(services, _field(form, "token"))
    try:
        sessions.check_guess(services, security.client_key(request), token_ok)
    except RateLimited as exc:
        return page(request, "login.html", {"error": str(exc)}, 429)
    if not token_ok:
        return page(request, "login.html", {"error": "That is not the maintainer token."}, 401)
    response = RedirectResponse("/moderate", status_code=303)
    value = sessions.new_session(services)
    security.set_cookie(request, response, security.MAINTAINER_COOKIE, value)
    return response


@router.post("/moderate/logout", response_class=HTMLResponse)
async def moderate_logout(request: Request) -> Response:
    """Sign out: the session is revoked (in every process) and its cookie cleared."""
    services = get_services(request)
    refused = _refused(request, services, await request.form())
    if refused is not None:
        return refused
    sessions.revoke(services, request.cookies.get(security.MAINTAINER_COOKIE, ""))
    response = RedirectResponse("/moderate", status_code=303)
    response.delete_cookie(security.MAINTAINER_COOKIE, path="/")
    return response


def _texts(form: Any, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def edit_values(form: Any) -> dict[str, Any]:
    """The edit form's fields as typed (fix rows zipped back in order)."""
    titles, situations, explanations = (_texts(form, f"fix_{part}") for part in editing.FIX_FIELDS)
    fixes = [
        {"title": t, "applies_when": a, "explanation": e}
        for t, a, e in zip(titles, situations, explanations, strict=False)
    ]
    data: dict[str, Any] = {name: _field(form, name) for name in editing.TEXT_FIELDS}
    data |= {
        "tags": [_field(form, "tags")],
        "symptoms": _texts(form, "symptoms"),
        "environment": _field(form, "environment").splitlines(),
        "fixes": fixes,
    }
    return data


def _edit(request: Request, services: Services, submission_id: str, form: Any) -> None:
    try:
        change = editing.DraftEdit.model_validate(edit_values(form))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise SubmissionInvalid({field: str(first["msg"])}) from exc
    editing.edit(services, submission_id, change, by=editor(request, services))


@router.post("/moderate/{submission_id}/{action}", response_class=HTMLResponse)
async def moderate_action(request: Request, submission_id: str, action: str) -> Response:
    """Edit, approve, reject or re-verify a submission from the moderation page."""
    services = get_services(request)
    form = await request.form()
    refused = _refused(request, services, form, maintainer=True)
    if refused is not None:
        return refused
    note, force = _field(form, "note"), _field(form, "force") == "yes"
    calls = {
        "approve": lambda: lifecycle.approve(services, submission_id, note=note, force=force),
        "reject": lambda: lifecycle.reject(services, submission_id, note=note),
        "verify": lambda: lifecycle.requeue(services, submission_id),
    }
    if action == "edit":  # a refused edit comes back in its card, not on an error page
        return await _edit_action(request, services, submission_id, form)
    if action not in calls:
        return error_page(request, 404, f"No moderation action {action[:40]!r}.")
    try:
        await run_in_threadpool(calls[action])
    except lifecycle.SubmissionNotFound as exc:
        return error_page(request, 404, str(exc))
    except lifecycle.TransitionRefused as exc:
        return error_page(request, 409, str(exc))
    except SubmissionInvalid as exc:
        return error_page(request, 422, "; ".join(f"{k}: {v}" for k, v in exc.errors.items()))
    if action == "approve":
        return RedirectResponse(f"/moderate?approved={submission_id}", status_code=303)
    return RedirectResponse(
        f"/moderate?done={action}+{submission_id}#queue-{submission_id}", status_code=303
    )


async def _edit_action(
    request: Request, services: Services, submission_id: str, form: Any
) -> Response:
    try:
        await run_in_threadpool(_edit, request, services, submission_id, form)
    except editing.SubmissionNotEditable as exc:
        return error_page(request, 404, str(exc))
    except SubmissionInvalid as exc:
        failed = (submission_id, exc.errors, edit_values(form))
        return await run_in_threadpool(
            moderation_view, request, services, failed_edit=failed, status=422
        )
    return RedirectResponse(
        f"/moderate?done=edit+{submission_id}#queue-{submission_id}", status_code=303
    )
