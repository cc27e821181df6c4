"""A contributor's "run in sandbox": one fix's code and check, run before anything is submitted.

A trial goes through the same queue, runner and sandbox as submissions (a job of kind
"trial"), under a per-client rate limit and in at most half of the queue, so trials never
crowd out submissions. Nothing is stored as a submission: the code is kept only until it ran,
and the result only as long as it takes to show it (`TRIAL_TTL`), then swept away.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from .. import store, verdicts
from ..db import Database
from ..harness.verify import SnippetResult, SnippetTask, TargetKind
from ..models import Job, Trial, utcnow
from ..rate_limits import check_rate
from .public import TrialPublic
from .submission import FixIn, SubmissionInvalid, check_fix, normalize_language

if TYPE_CHECKING:  # services builds the harness with TRIAL_TARGET: no import cycle at run time
    from ..services import Services

TRIAL_TTL = timedelta(minutes=30)
OUTPUT_CHARS = 4_000
OUTPUT_LINES = 40


class TrialUnavailable(RuntimeError):
    """The sandbox cannot run a trial now (off, unavailable, or the queue is full)."""


def start(services: Services, fix: FixIn, *, client_key: str) -> Trial:
    """Validate, rate-limit and queue a trial of one fix (SubmissionInvalid, RateLimited,
    TrialUnavailable)."""
    errors: dict[str, str] = {}
    check_fix(fix, "", errors)
    language = normalize_language(fix.language)
    if not errors and language not in RUNNABLE:
        errors["language"] = (
            f"{language} code is not run here: submit it as it is, and it is shown as not verified"
        )
    if errors:
        raise SubmissionInvalid(errors)
    check_rate(
        services.database,
        action="trial",
        client_key=client_key,
        per_minute=services.settings.verify_rate_per_minute,
        what="sandbox runs",
    )
    can_verify, reason = services.verification_available()
    if not can_verify:
        raise TrialUnavailable(f"the sandbox cannot run code here: {reason}")
    trial = _queue(services, fix, language, client_key)
    services.wake_harness()
    return trial


def _queue(services: Services, fix: FixIn, language: str, client_key: str) -> Trial:
    with services.database.write() as session:
        store.delete_trials_before(session=session, before=utcnow() - TRIAL_TTL)
        trial = store.create_trial(
            session=session,
            trial_id="trial-" + secrets.token_hex(12),
            client_key=client_key,
            language=language,
            code=fix.code.rstrip() + "\n",
            check_code=fix.check.rstrip() + "\n" if fix.check.strip() else "",
        )
        job = store.enqueue_job(
            session=session,
            kind="trial",
            target_id=trial.id,
            snippet_slugs=["trial"],
            limit=max(1, services.settings.verify_queue_size // 2),
        )
        if job is None:
            raise TrialUnavailable("the verification queue is full; try again in a minute")
    return trial


def get(database: Database, trial_id: str) -> TrialPublic | None:
    """A trial as its page and its JSON show it; None when unknown or expired."""
    with database.read() as session:
        trial = store.get_trial(session=session, trial_id=trial_id[:40])
    if trial is None:
        return None
    return public(trial)


def public(trial: Trial) -> TrialPublic:
    """The outgoing view of a trial: waiting, or what its run showed with its output."""
    data: dict[str, Any] = {"id": trial.id, "status": trial.status, "status_url": url(trial.id)}
    return TrialPublic.model_validate({**trial.result, **data})


def url(trial_id: str) -> str:
    """The trial's page (the JSON is at /api/trials/{id})."""
    return f"/trials/{trial_id}"


def _tail(output: str) -> str:
    """The last OUTPUT_LINES lines of an output, at most OUTPUT_CHARS characters."""
    return "\n".join(output.rstrip("\n").splitlines()[-OUTPUT_LINES:])[-OUTPUT_CHARS:]


def _result(result: SnippetResult) -> dict[str, Any]:
    shown = verdicts.shown(result.status, "contributed", result.flags, reviewed=False)
    return {
        "outcome": result.status,
        "passed": result.status == "passed" and not result.flags,
        "shown": str(shown) if shown is not None else None,
        "error": result.error[:OUTPUT_CHARS],
        "duration_ms": result.duration_ms,
        "figures": result.figures,
        "stdout": _tail(result.stdout),
        "stderr": _tail(result.stderr),
        "flags": result.flags,
    }


def _load(session: Session, trial_id: str) -> list[SnippetTask] | None:
    trial = store.get_trial(session=session, trial_id=trial_id)
    if trial is None:
        return None
    if trial.status == "done":
        return []
    check = trial.check_code or None
    return [SnippetTask(slug="trial", code=trial.code, check_code=check, language=trial.language)]


def _done(session: Session, job: Job, results: list[SnippetResult]) -> None:
    if results:
        store.finish_trial(session=session, trial_id=job.target_id, result=_result(results[0]))


def _sweep(database: Database) -> int:
    expired = utcnow() - TRIAL_TTL
    with database.read() as session:
        if not store.has_trials_before(session=session, before=expired):
            return 0
    with database.write() as session:
        return store.delete_trials_before(session=session, before=expired)


TRIAL_TARGET = TargetKind(load=_load, run_column=None, on_done=_done, sweep=_sweep)
RUNNABLE = ("python", "javascript", "typescript")
