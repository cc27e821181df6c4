"""Queries on submissions: contributed entries on their way through verification and review."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from ..models import Entry, Job, Submission, VerificationRun, utcnow


def create_submission(
    *,
    session: Session,
    submission_id: str,
    entry_id: str,
    title: str,
    draft: dict[str, Any],
    contact: str,
    client_key: str,
    duplicate_of: str | None,
    status: str,
) -> Submission:
    """Store a new submission; `entry_id` is the id its entry will take when approved."""
    submission = Submission(
        id=submission_id,
        entry_id=entry_id,
        title=title,
        draft=draft,
        contact=contact,
        client_key=client_key,
        duplicate_of=duplicate_of,
        status=status,
    )
    session.add(submission)
    session.flush()
    return submission


def get_submission(*, session: Session, submission_id: str) -> Submission | None:
    """One submission, or None."""
    return session.get(Submission, submission_id)


def list_submissions(
    *,
    session: Session,
    statuses: Iterable[str] | None = None,
    limit: int = 100,
    offset: int = 0,
    newest_first: bool = False,
) -> list[Submission]:
    """Submissions, oldest first (or newest first), optionally only those in some statuses."""
    if newest_first:
        order: list[Any] = [col(Submission.updated_at).desc(), col(Submission.id).desc()]
    else:
        order = [col(Submission.created_at), col(Submission.id)]
    query = select(Submission).order_by(*order)
    if statuses is not None:
        query = query.where(col(Submission.status).in_(list(statuses)))
    return list(session.exec(query.offset(offset).limit(limit)).all())


def count_submissions(*, session: Session, statuses: Iterable[str] | None) -> int:
    """How many submissions are in the given statuses (all of them for None)."""
    query = select(func.count()).select_from(Submission)
    if statuses is not None:
        query = query.where(col(Submission.status).in_(list(statuses)))
    return int(session.exec(query).one())


def edit_submission(
    *, session: Session, submission_id: str, draft: dict[str, Any], change: dict[str, Any]
) -> Submission | None:
    """Replace an open submission's draft with a maintainer's edit, appending `change` to its
    history; None when it is unknown or already decided."""
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None or submission.status in ("approved", "rejected"):
        return None
    submission.draft, submission.title = draft, str(draft["title"])
    submission.history = [*submission.history, change]
    submission.updated_at = utcnow()
    session.add(submission)
    session.flush()
    return submission


def transition_submission(
    *,
    session: Session,
    submission_id: str,
    to: str,
    allowed_from: Iterable[str],
    note: str | None = None,
    entry_id: str | None = None,
) -> Submission | None:
    """Move a submission to `to` only if it is in one of `allowed_from`; None otherwise.

    The row is locked for the transaction, so two moderators (or two processes) cannot both
    move the same submission.
    """
    submission = session.get(Submission, submission_id, with_for_update=True)
    if submission is None or submission.status not in set(allowed_from):
        return None
    submission.status, submission.updated_at = to, utcnow()
    if note is not None:
        submission.review_note = note
    if entry_id is not None:
        submission.entry_id = entry_id
    session.add(submission)
    session.flush()
    return submission


def id_taken(*, session: Session, entry_id: str, ignore_submission: str | None = None) -> bool:
    """True when an entry, or another submission not rejected, already uses this entry id."""
    if session.get(Entry, entry_id) is not None:
        return True
    query = select(Submission.id).where(
        Submission.entry_id == entry_id, Submission.status != "rejected"
    )
    if ignore_submission is not None:
        query = query.where(Submission.id != ignore_submission)
    return session.exec(query).first() is not None


def submission_runs(*, session: Session, submission_id: str) -> dict[str, VerificationRun]:
    """The newest verification run of each snippet of a submission, by snippet id."""
    runs = session.exec(
        select(VerificationRun)
        .where(VerificationRun.submission_id == submission_id)
        .order_by(col(VerificationRun.id))
    ).all()
    return {run.snippet_slug: run for run in runs}


def attach_runs_to_entry(*, session: Session, submission_id: str, entry_id: str) -> int:
    """Make a submission's verification runs the record of the entry it became."""
    result = session.exec(
        update(VerificationRun)
        .where(col(VerificationRun.submission_id) == submission_id)
        .values(entry_id=entry_id)
    )
    return int(result.rowcount or 0)


def latest_submission_job(*, session: Session, submission_id: str) -> Job | None:
    """The newest verification job of a submission, if any."""
    query = (
        select(Job)
        .where(Job.kind == "submission", Job.target_id == submission_id)
        .order_by(col(Job.created_at).desc(), col(Job.id).desc())
    )
    return session.exec(query.limit(1)).first()


def submissions_in(*, session: Session, status: str, limit: int = 100) -> list[Submission]:
    """The oldest submissions with this status (for the runner's sweep)."""
    query = select(Submission).where(Submission.status == status)
    return list(session.exec(query.order_by(col(Submission.created_at)).limit(limit)).all())
