"""Queries on verification runs and jobs: record a run, enqueue, claim under a lease, finish.

Jobs are shared by every process on the database. A claim picks the oldest job that is queued,
or running under a lease that has expired (its process died), and takes it in one short write
transaction: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the transaction
begins IMMEDIATE, which already admits one writer at a time (the dialect drops FOR UPDATE).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, func, or_, select

from ..models import Entry, Fix, Job, Snippet, VerificationRun, utcnow
from .entry_view import latest_runs

ACTIVE_JOB_STATUSES = ("queued", "running")
# A job whose lease expired this many times (its process died each time) is given up.
MAX_ATTEMPTS = 3


def record_run(
    *,
    session: Session,
    snippet_slug: str,
    code_hash: str,
    status: str,
    entry_id: str | None = None,
    submission_id: str | None = None,
    **fields: Any,
) -> VerificationRun:
    """Store what happened when one snippet ran with its check (fields: error, figures...).

    The snippet's runs for other code (an older snippet or check) are dropped: only the
    current code's runs are kept.
    """
    run = VerificationRun(
        entry_id=entry_id,
        submission_id=submission_id,
        snippet_slug=snippet_slug,
        code_hash=code_hash,
        status=status,
        created_at=utcnow(),
        **fields,
    )
    session.add(run)
    session.flush()
    _prune_other_code(session, run)
    return run


def _prune_other_code(session: Session, run: VerificationRun) -> None:
    if run.entry_id is not None:
        target = col(VerificationRun.entry_id) == run.entry_id
    elif run.submission_id is not None:
        target = col(VerificationRun.submission_id) == run.submission_id
    else:
        return
    session.exec(
        delete(VerificationRun).where(
            target,
            col(VerificationRun.snippet_slug) == run.snippet_slug,
            col(VerificationRun.code_hash) != run.code_hash,
            col(VerificationRun.id) < run.id,
        )
    )


def queue_depth(*, session: Session) -> int:
    """How many jobs are queued or running, across every process."""
    count = session.exec(
        select(func.count()).select_from(Job).where(col(Job.status).in_(ACTIVE_JOB_STATUSES))
    ).one()
    return int(count)


def enqueue_job(
    *,
    session: Session,
    kind: str,
    target_id: str,
    snippet_slugs: Sequence[str] = (),
    limit: int | None = None,
) -> Job | None:
    """Queue a job (all snippets of the target when `snippet_slugs` is empty).

    Returns None when `limit` jobs are already queued or running.
    """
    if limit is not None and queue_depth(session=session) >= limit:
        return None
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        target_id=target_id,
        snippet_slugs=list(snippet_slugs),
        status="queued",
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def _claimable(now: datetime) -> Any:
    expired = (col(Job.status) == "running") & (col(Job.lease_expires_at) < now)
    return or_(col(Job.status) == "queued", expired)


def has_claimable_job(
    *, session: Session, kinds: Iterable[str] | None = None, now: datetime | None = None
) -> bool:
    """A cheap read: is any job waiting (so idle workers need not take the write lock)?"""
    query = select(Job.id).where(_claimable(now or utcnow()))
    if kinds is not None:
        query = query.where(col(Job.kind).in_(list(kinds)))
    return session.exec(query.limit(1)).first() is not None


def claim_job(
    *,
    session: Session,
    owner: str,
    lease_seconds: float,
    kinds: Iterable[str] | None = None,
    now: datetime | None = None,
) -> Job | None:
    """Take the oldest claimable job for `owner` under a lease; None when there is none.

    A job taken back from a dead owner more than MAX_ATTEMPTS times is marked `error`
    instead, so a snippet that kills its worker cannot loop forever.
    """
    now = now or utcnow()
    query = select(Job).where(_claimable(now))
    if kinds is not None:
        query = query.where(col(Job.kind).in_(list(kinds)))
    query = query.order_by(col(Job.created_at), col(Job.id)).limit(1)
    while True:
        job = session.exec(query.with_for_update(skip_locked=True)).first()
        if job is None:
            return None
        job.attempts += 1
        if job.attempts > MAX_ATTEMPTS:
            job.status, job.finished_at = "error", now
            job.error = f"given up after {MAX_ATTEMPTS} attempts whose leases expired"
            job.lease_owner, job.lease_expires_at = None, None
            session.add(job)
            session.flush()
            continue
        job.status, job.lease_owner, job.started_at = "running", owner, now
        job.lease_expires_at = now + timedelta(seconds=lease_seconds)
        job.error = ""
        session.add(job)
        session.flush()
        return job


def renew_lease(
    *, session: Session, job_id: str, owner: str, lease_seconds: float, now: datetime | None = None
) -> bool:
    """Extend `owner`'s lease on a running job; False when the lease was lost to another."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status != "running" or job.lease_owner != owner:
        return False
    job.lease_expires_at = (now or utcnow()) + timedelta(seconds=lease_seconds)
    session.add(job)
    session.flush()
    return True


def finish_job(
    *, session: Session, job_id: str, owner: str, status: str = "done", error: str = ""
) -> Job | None:
    """Mark `owner`'s job done (or error); None when the lease was lost to another owner."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status != "running" or job.lease_owner != owner:
        return None
    job.status, job.error, job.finished_at = status, error, utcnow()
    job.lease_owner, job.lease_expires_at = None, None
    session.add(job)
    session.flush()
    return job


def release_job(*, session: Session, job_id: str, owner: str) -> bool:
    """Put `owner`'s running job back in the queue (a process shutting down)."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status != "running" or job.lease_owner != owner:
        return False
    job.status, job.lease_owner, job.lease_expires_at = "queued", None, None
    job.attempts = max(0, job.attempts - 1)
    session.add(job)
    session.flush()
    return True


def get_job(*, session: Session, job_id: str) -> Job | None:
    """One job by id."""
    return session.get(Job, job_id)


def job_runs(*, session: Session, job: Job) -> list[VerificationRun]:
    """The newest run of each snippet recorded while the job last ran, in recording order."""
    if job.started_at is None:
        return []
    target = (
        col(VerificationRun.entry_id) == job.target_id
        if job.kind == "entry"
        else col(VerificationRun.submission_id) == job.target_id
    )
    query = select(VerificationRun).where(target, col(VerificationRun.created_at) >= job.started_at)
    if job.finished_at is not None:
        query = query.where(col(VerificationRun.created_at) <= job.finished_at)
    newest: dict[str, VerificationRun] = {}
    for run in session.exec(query.order_by(col(VerificationRun.id))):
        newest.pop(run.snippet_slug, None)
        newest[run.snippet_slug] = run
    return list(newest.values())


def entry_exists(*, session: Session, entry_id: str) -> bool:
    """True when an active entry has this id."""
    entry = session.get(Entry, entry_id)
    return entry is not None and entry.status == "active"


def snippets_to_verify(
    *, session: Session, entry_id: str, only_stale: bool = False, rerun_records: bool = True
) -> list[Snippet]:
    """An active entry's snippets in order; with `only_stale`, those with no current record.

    A snippet needs verifying when it has no run, its newest run is for other code or check
    (stale), its newest run is `unverified` (the sandbox was unavailable then), or it comes
    from a shipped record (records.py) rather than a run here.
    """
    if not entry_exists(session=session, entry_id=entry_id):
        return []
    snippets = list(
        session.exec(
            select(Snippet)
            .join(
                Fix, (col(Fix.entry_id) == col(Snippet.entry_id)) & (Fix.slug == Snippet.fix_slug)
            )
            .where(Snippet.entry_id == entry_id)
            .order_by(col(Fix.position), col(Snippet.position))
        )
    )
    if not only_stale:
        return snippets
    runs = latest_runs(session=session, entry_ids=[entry_id])
    return [s for s in snippets if _needs_run(s, runs.get((entry_id, s.slug)), rerun_records)]


def _needs_run(snippet: Snippet, run: VerificationRun | None, rerun_records: bool) -> bool:
    # A shipped record is proof enough to show, not a run here: a sandbox re-verifies it.
    if run is None or run.code_hash != snippet.code_hash:
        return True
    return run.status == "unverified" or (rerun_records and run.source == "record")


def entries_needing_verification(*, session: Session, rerun_records: bool = True) -> list[str]:
    """Ids of active entries with at least one snippet that has no current record."""
    ids = list(
        session.exec(select(Entry.id).where(Entry.status == "active").order_by(col(Entry.id)))
    )
    runs = latest_runs(session=session, entry_ids=ids)
    snippets = session.exec(
        select(Snippet)
        .join(Entry, col(Entry.id) == col(Snippet.entry_id))
        .where(Entry.status == "active")
    )
    needing = {
        s.entry_id for s in snippets if _needs_run(s, runs.get((s.entry_id, s.slug)), rerun_records)
    }
    return [i for i in ids if i in needing]


def active_entry_ids(*, session: Session) -> list[str]:
    """Ids of every active entry, sorted."""
    return list(
        session.exec(select(Entry.id).where(Entry.status == "active").order_by(col(Entry.id)))
    )


def all_snippets(*, session: Session, entry_id: str | None = None) -> list[Snippet]:
    """Every stored snippet (of one entry when given), by entry and slug."""
    query = select(Snippet).order_by(col(Snippet.entry_id), col(Snippet.slug))
    if entry_id is not None:
        query = query.where(Snippet.entry_id == entry_id)
    return list(session.exec(query))


def has_run_for_code(*, session: Session, snippet: Snippet) -> bool:
    """True when some run was recorded for exactly this snippet's code and check."""
    query = select(VerificationRun.id).where(
        VerificationRun.entry_id == snippet.entry_id,
        VerificationRun.snippet_slug == snippet.slug,
        VerificationRun.code_hash == snippet.code_hash,
    )
    return session.exec(query.limit(1)).first() is not None
