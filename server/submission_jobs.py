"""Submissions and the verification harness: queue checks, take verdicts, settle leftovers.

Registers the "submission" job kind with the harness: its loader hands the runner the
submission's snippets, and its callback turns the outcomes into the submission's status in the
transaction that finishes the job.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from . import store
from .harness.verify import SnippetOutcome, SnippetTask, TargetKind, register_target
from .models import EntryDraft, Job, Submission
from .services import Services
from .verdicts import submission_status


def verification_available(services: Services) -> tuple[bool, str]:
    """Whether submitted code can run in the sandbox here, and why not."""
    if str(getattr(services.settings, "sandbox", "auto")).lower() == "off":
        return False, "the sandbox is turned off (ERRATA_SANDBOX=off)"
    harness = services.harness
    if harness is None:
        return False, "the verification harness is not running"
    describe = getattr(harness, "describe", None)
    info: dict[str, Any] = describe() if callable(describe) else {}
    if not info.get("available", False):
        return False, str(info.get("reason") or "the sandbox is unavailable")
    return True, ""


def wake_harness(services: Services) -> None:
    wake = getattr(services.harness, "wake", None)
    if callable(wake):
        wake()


def settle(services: Services, submission: Submission) -> Submission:
    """Settle a submission left "verifying" by a job that ended without a verdict.

    A job given up after its worker died repeatedly (or that hit a harness error) never calls
    back; the submission then becomes "unverified", with the job's error as its note.
    """
    if submission.status != "verifying":
        return submission
    with services.database.read() as session:
        job = store.latest_submission_job(session=session, submission_id=submission.id)
    if job is None or job.status != "error":
        return submission
    with services.database.write() as session:
        settled = store.transition_submission(
            session=session,
            submission_id=submission.id,
            to="unverified",
            allowed_from=("verifying",),
            note=f"verification did not finish: {job.error}",
        )
    return settled or submission


def _load_submission(session: Session, submission_id: str) -> list[SnippetTask] | None:
    submission = store.get_submission(session=session, submission_id=submission_id)
    if submission is None:
        return None
    if submission.status not in ("pending", "verifying"):
        return []
    draft = EntryDraft.model_validate(submission.draft)
    return [
        SnippetTask(slug=s.id, code=s.code, check_code=s.check_code, language=s.language)
        for fix in draft.fixes
        for s in fix.snippets
    ]


def _verification_done(session: Session, job: Job, outcomes: list[SnippetOutcome]) -> None:
    store.transition_submission(
        session=session,
        submission_id=job.target_id,
        to=submission_status([(o.status, o.flags) for o in outcomes]),
        allowed_from=("pending", "verifying"),
    )


register_target(
    "submission",
    TargetKind(load=_load_submission, run_column="submission_id", on_done=_verification_done),
)
