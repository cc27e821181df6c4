"""The web pages' shared rendering, the contribution form, submission status and moderation.

Search, entry and browse pages live in their own modules. Pages work without JavaScript;
/static/app.js only makes the form's rows and the copy buttons instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from .. import security, store
from ..answers.layout import shown_first
from ..answers.why import plain_why
from ..api.deps import ServicesDep, get_services
from ..contributions import lifecycle, moderation
from ..contributions.injection import injection_flags
from ..contributions.submission import SubmissionInvalid, parse_input
from ..models import EntryDraft
from ..rate_limits import RateLimited
from ..security import sessions
from ..security.writers import writer_key
from ..services import Services
from . import landing, render
from .forms import HONEYPOT_FIELD, FormState, apply_action, read_form, to_input_data

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
    from . import browse, entry_page, ops_pages, search_page  # each renders with page()

    app.include_router(search_page.router)
    app.include_router(browse.router)
    app.include_router(entry_page.router)
    app.include_router(router)
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


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request, symptom: str = "") -> Response:
    """The contributor form; `?symptom=` fills in its first symptom (links from the gap list)."""
    form = FormState()
    form.symptoms[0] = symptom[:2000]
    return page(request, "submit.html", {"form": form, "errors": {}})


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


def _form_page(request: Request, form: FormState, errors: dict[str, str], status: int) -> Response:
    return page(request, "submit.html", {"form": form, "errors": errors}, status)


@router.post("/submit", response_class=HTMLResponse)
async def submit_form(request: Request) -> Response:
    """Take a submission from the form; errors come back beside their fields."""
    services = get_services(request)
    form = await request.form()
    refused = _refused(request, services, form)
    if refused is not None:
        return refused
    state = read_form(form)
    if apply_action(state, _field(form, "action")):
        return _form_page(request, state, {}, 200)
    if _field(form, HONEYPOT_FIELD):
        return error_page(request, 400, "This submission was refused.")
    try:
        client_key = await run_in_threadpool(writer_key, request, services)
    except HTTPException as exc:  # anonymous writes are off on this server
        return error_page(request, exc.status_code, str(exc.detail))
    try:
        data = parse_input(to_input_data(state))
        receipt = await run_in_threadpool(lifecycle.submit, services, data, client_key=client_key)
    except SubmissionInvalid as exc:
        return _form_page(request, state, exc.errors, 422)
    except RateLimited as exc:
        seconds = str(exc.retry_after)
        errors = {"form": f"Too many submissions from your address; try again in {seconds} s."}
        return page(
            request, "submit.html", {"form": state, "errors": errors}, 429, {"Retry-After": seconds}
        )
    return RedirectResponse(receipt.status_url, status_code=303)


def _field(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def submission_context(services: Services, submission_id: str) -> dict[str, Any] | None:
    """A submission with its draft, sandbox results and the entry it may duplicate."""
    with services.database.read() as session:
        submission = store.get_submission(session=session, submission_id=submission_id[:40])
    if submission is None:
        return None
    with services.database.read() as session:
        runs = store.submission_runs(session=session, submission_id=submission.id)
        duplicate = None
        if submission.duplicate_of:
            duplicate = store.get_entry(session=session, entry_id=submission.duplicate_of)
    draft = EntryDraft.model_validate(submission.draft)
    flags = injection_flags(draft)
    context = {"submission": submission, "draft": draft, "runs": runs, "duplicate": duplicate}
    return {**context, "injection_flags": flags}


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(request: Request, submission_id: str, services: ServicesDep) -> Response:
    """A submission's status: verification results, review, the entry it became."""
    context = submission_context(services, submission_id)
    if context is None:
        return error_page(request, 404, f"No submission has the id {submission_id[:40]!r}.")
    return page(request, "submission.html", context)


@router.get("/moderate", response_class=HTMLResponse)
def moderate_page(request: Request, services: ServicesDep, done: str = "") -> Response:
    """The moderation queue (maintainers), or the sign-in form."""
    if not security.is_maintainer(request, services):
        return page(request, "login.html", {"error": ""})
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
    context = {"queue": queue, "decided": decided, "done": done[:200]}
    return page(request, "moderate.html", context)


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


@router.post("/moderate/{submission_id}/{action}", response_class=HTMLResponse)
async def moderate_action(request: Request, submission_id: str, action: str) -> Response:
    """Approve, reject or re-verify a submission from the moderation page."""
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
    if action not in calls:
        return error_page(request, 404, f"No moderation action {action[:40]!r}.")
    try:
        await run_in_threadpool(calls[action])
    except lifecycle.SubmissionNotFound as exc:
        return error_page(request, 404, str(exc))
    except lifecycle.TransitionRefused as exc:
        return error_page(request, 409, str(exc))
    except SubmissionInvalid as exc:
        return error_page(request, 422, "; ".join(exc.errors.values()))
    return RedirectResponse(f"/moderate?done={action}+{submission_id}", status_code=303)
