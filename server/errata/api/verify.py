"""REST routes for verification: queue an entry's snippets, follow the job.

`POST /api/entries/{id}/verify` is public, so a stranger must not be able to fill the queue:
each client may ask `settings.verify_rate_per_minute` times a minute (429 with Retry-After,
counted in the database), and public requests may fill only half of the queue, keeping the
rest for submissions and maintainers. A maintainer (Bearer token) is held by neither.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request

from .. import security
from ..harness.jobs import QueueFull, UnknownTarget
from ..models import SLUG_PATTERN
from ..public import JobPublic, JobQueued
from ..rate_limits import check_rate
from .deps import ServicesDep

router = APIRouter(tags=["verification"])

EntryId = Annotated[str, Path(max_length=80, pattern=SLUG_PATTERN)]
JobId = Annotated[str, Path(max_length=40, pattern=r"^[0-9a-f]+$")]


@router.post(
    "/entries/{entry_id}/verify",
    status_code=202,
    responses={
        404: {"description": "No entry has this id"},
        429: {"description": "Too many verification requests from this client"},
        503: {"description": "The verification queue is full; try again later"},
    },
)
def verify_entry(entry_id: EntryId, request: Request, services: ServicesDep) -> JobQueued:
    """Queue every snippet of the entry for the sandboxed harness; answers with a job id.

    Public, within a per-client rate limit; maintainers (Bearer token) are not limited.
    """
    harness = services.harness
    if harness is None:
        raise HTTPException(status_code=503, detail="the verification runner is not running")
    queue_limit = None
    if not security.is_maintainer(request, services):
        check_rate(
            services.database,
            action="verify",
            client_key=security.client_key(request),
            per_minute=services.settings.verify_rate_per_minute,
            what="verification requests",
        )
        queue_limit = max(1, services.settings.verify_queue_size // 2)
    try:
        job = harness.enqueue("entry", entry_id, queue_limit=queue_limit)
    except UnknownTarget as exc:
        raise HTTPException(status_code=404, detail=f"no entry with id {entry_id!r}") from exc
    except QueueFull as exc:
        raise HTTPException(status_code=503, detail=str(exc), headers={"Retry-After": "5"}) from exc
    return JobQueued(job_id=job.id, status=job.status)


@router.get("/jobs/{job_id}", responses={404: {"description": "No job has this id"}})
def get_job(job_id: JobId, services: ServicesDep) -> JobPublic:
    """A verification job: queued, running, done (with each snippet's record) or error."""
    harness = services.harness
    if harness is None:
        raise HTTPException(status_code=503, detail="the verification runner is not running")
    job = harness.job_status(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job with id {job_id!r}")
    return job
