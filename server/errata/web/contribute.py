"""The contribution pages: the form (with "run in sandbox"), a trial's result, a submission's
status, and a curated check shown as a worked example. Thin: parse, call, render.

"Run in sandbox" works without JavaScript: the button posts the whole form, which comes back
as it was with the run's state beside the fix; /static/app.js runs it in place instead
(POST /api/trials, then polling its JSON).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import store
from ..api.deps import ServicesDep, get_services
from ..contributions import lifecycle, trial
from ..contributions.check_template import CHECK_TEMPLATE, JS_CHECK_TEMPLATE
from ..contributions.injection import injection_flags
from ..contributions.public import TrialPublic
from ..contributions.submission import FixIn, SubmissionInvalid, parse_input
from ..models import EntryDraft
from ..rate_limits import RateLimited
from ..security.writers import writer_key
from ..services import Services
from .forms import (
    FIX_LANGUAGES,
    HONEYPOT_FIELD,
    FormState,
    apply_action,
    fix_input,
    read_form,
    to_input_data,
    trial_position,
)
from .pages import _field, _refused, error_page, page

router = APIRouter(include_in_schema=False)
MAX_PREFILL = 2_000  # a symptom's own limit


def _example(services: Services) -> dict[str, str] | None:
    with services.database.read() as session:
        snippet = store.example_check(session=session)
    if snippet is None:
        return None
    return {"url": f"/entries/{snippet.entry_id}/checks/{snippet.slug}", "entry": snippet.entry_id}


def _trials(services: Services, state: FormState) -> dict[int, TrialPublic]:
    found = {i: trial.get(services.database, fix["trial"]) for i, fix in enumerate(state.fixes)}
    return {i: t for i, t in found.items() if t is not None}


def form_page(
    request: Request,
    state: FormState,
    errors: dict[str, str],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The contributor form as `state` holds it, with errors beside their fields."""
    services = get_services(request)
    context = {
        "form": state,
        "errors": errors,
        "languages": FIX_LANGUAGES,
        "check_template": CHECK_TEMPLATE,
        "js_check_template": JS_CHECK_TEMPLATE,
        "example": _example(services),
        "trials": _trials(services, state),
    }
    return page(request, "submit.html", context, status, headers)


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request, symptom: str = "") -> Response:
    """The contributor form; `?symptom=` fills in its first symptom (from a search that found
    nothing, or the gap list)."""
    state = FormState()
    state.symptoms[0] = symptom[:MAX_PREFILL]
    return form_page(request, state, {})


async def _run_trial(request: Request, services: Services, state: FormState, i: int) -> Response:
    """Queue fix `i` for a trial run; the form comes back with its state beside the fix."""
    prefix = f"fixes[{i}]."
    try:
        client_key = await run_in_threadpool(writer_key, request, services)
        fix = FixIn.model_validate(fix_input(state.fixes[i]))
        started = await run_in_threadpool(trial.start, services, fix, client_key=client_key)
    except HTTPException as exc:
        return error_page(request, exc.status_code, str(exc.detail))
    except SubmissionInvalid as exc:
        errors = {prefix + key: message for key, message in exc.errors.items()}
        return form_page(request, state, errors, 422)
    except (ValueError, trial.TrialUnavailable) as exc:  # pydantic's lengths; no sandbox
        return form_page(request, state, {f"{prefix}check": str(exc)[:300]}, 503)
    except RateLimited as exc:
        seconds = str(exc.retry_after)
        errors = {f"{prefix}check": f"Too many sandbox runs; try again in {seconds} s."}
        return form_page(request, state, errors, 429, {"Retry-After": seconds})
    state.fixes[i]["trial"] = started.id
    return form_page(request, state, {}, 200)


@router.post("/submit", response_class=HTMLResponse)
async def submit_form(request: Request) -> Response:
    """Take a submission from the form; errors come back beside their fields."""
    services = get_services(request)
    form = await request.form()
    refused = _refused(request, services, form)
    if refused is not None:
        return refused
    state = read_form(form)
    action = _field(form, "action")
    if (position := trial_position(action, state)) is not None:
        return await _run_trial(request, services, state, position)
    if action == "trial-refresh" or apply_action(state, action):
        return form_page(request, state, {}, 200)
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
        return form_page(request, state, exc.errors, 422)
    except RateLimited as exc:
        seconds = str(exc.retry_after)
        errors = {"form": f"Too many submissions from your address; try again in {seconds} s."}
        return form_page(request, state, errors, 429, {"Retry-After": seconds})
    return RedirectResponse(receipt.status_url, status_code=303)


@router.get("/trials/{trial_id}", response_class=HTMLResponse)
def trial_page(request: Request, trial_id: str, services: ServicesDep) -> Response:
    """A trial's result on a page of its own (refreshes itself while the run waits)."""
    found = trial.get(services.database, trial_id)
    if found is None:
        message = f"No sandbox run has the id {trial_id[:40]!r}; results expire after 30 minutes."
        return error_page(request, 404, message)
    return page(request, "trial.html", {"trial": found})


@router.get("/entries/{entry_id}/checks/{slug}", response_class=HTMLResponse)
def check_page(request: Request, entry_id: str, slug: str, services: ServicesDep) -> Response:
    """One curated snippet beside the check the harness runs against it (a worked example)."""
    with services.database.read() as session:
        snippet = store.get_snippet(session=session, entry_id=entry_id[:80], slug=slug[:80])
        entry = store.get_entry(session=session, entry_id=entry_id[:80]) if snippet else None
    if snippet is None or entry is None or not snippet.check_code:
        return error_page(request, 404, f"No check of {entry_id[:80]}/{slug[:80]} is known.")
    return page(request, "check.html", {"snippet": snippet, "entry": entry})


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
