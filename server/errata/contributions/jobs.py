"""Submissions as verification jobs: what the runner loads, how it records a verdict, and the
sweep that settles a submission whose job ended without one.

`SUBMISSION_TARGET` is handed to the `Harness` by `make_harness`, beside the entries' target.
"""

from __future__ import annotations

from sqlmodel import Session

from .. import store
from ..db import Database
from ..harness.verify import SnippetResult, SnippetTask, TargetKind
from ..models import EntryDraft, Job
from ..verdicts import submission_status


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


def _verification_done(session: Session, job: Job, results: list[SnippetResult]) -> None:
    store.transition_submission(
        session=session,
        submission_id=job.target_id,
        to=submission_status([(r.status, r.flags) for r in results]),
        allowed_from=("pending", "verifying"),
    )


def settle_abandoned(database: Database) -> int:
    """Mark "unverified" each submission left "verifying" by a job that ended in error (given
    up after its worker died repeatedly, or a harness fault): that job never calls back."""
    with database.read() as session:
        waiting = store.submissions_in(session=session, status="verifying")
        jobs = {
            s.id: store.latest_submission_job(session=session, submission_id=s.id) for s in waiting
        }
    settled = 0
    for submission_id, job in jobs.items():
        if job is None or job.status != "error":
            continue
        with database.write() as session:
            moved = store.transition_submission(
                session=session,
                submission_id=submission_id,
                to="unverified",
                allowed_from=("verifying",),
                note=f"verification did not finish: {job.error}",
            )
        settled += moved is not None
    return settled


SUBMISSION_TARGET = TargetKind(
    load=_load_submission,
    run_column="submission_id",
    on_done=_verification_done,
    sweep=settle_abandoned,
)
