"""Submissions as verification jobs: what the runner loads, how it records a verdict, and the
sweep that settles a submission whose job ended without one and queues the submissions that
arrived while the queue was full.

`submission_target(queue_limit)` is handed to the `Harness` by `make_harness`, beside the entries'
target.
"""

from __future__ import annotations

from sqlmodel import Session

from .. import store
from ..db import Database
from ..harness.verify import SnippetResult, SnippetTask, TargetKind
from ..models import EntryDraft, Job
from ..store.verification import ACTIVE_JOB_STATUSES
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


def queue_waiting(database: Database, queue_limit: int) -> int:
    """Queue, oldest first, each "pending" submission without a live job (it arrived while
    the queue was full), as long as the queue has room; how many were queued."""
    with database.read() as session:
        waiting = store.submissions_in(session=session, status="pending")
    queued = 0
    for submission in waiting:
        with database.write() as session:
            job = store.latest_submission_job(session=session, submission_id=submission.id)
            if job is not None and job.status in ACTIVE_JOB_STATUSES:
                continue
            draft = EntryDraft.model_validate(submission.draft)
            slugs = [s.id for fix in draft.fixes for s in fix.snippets]
            if not store.enqueue_job(
                session=session,
                kind="submission",
                target_id=submission.id,
                snippet_slugs=slugs,
                limit=queue_limit,
            ):
                break  # still full: the next sweep tries again
            store.transition_submission(
                session=session,
                submission_id=submission.id,
                to="verifying",
                allowed_from=("pending",),
            )
        queued += 1
    return queued


def submission_target(queue_limit: int) -> TargetKind:
    """The submissions' job kind; its sweep settles abandoned runs and queues waiting ones."""

    def sweep(database: Database) -> int:
        return settle_abandoned(database) + queue_waiting(database, queue_limit)

    return TargetKind(
        load=_load_submission,
        run_column="submission_id",
        on_done=_verification_done,
        sweep=sweep,
    )
