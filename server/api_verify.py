"""REST routes for verification: queue an entry's snippets, follow the job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel

from .deps import ServicesDep
from .harness.jobs import JobPublic, QueueFull, UnknownTarget
from .models import SLUG_PATTERN

router = APIRouter(prefix="/api", tags=["verification"])

EntryId = Annotated[str, Path(max_length=80, pattern=SLUG_PATTERN)]
JobId = Annotated[str, Path(max_length=40, pattern=r"^[0-9a-f]+$")]


class JobQueued(BaseModel):
    """A verification job was queued; follow it at `/api/jobs/{job_id}`."""

    job_id: str
    status: str


@router.post(
    "/entries/{entry_id}/verify",
    status_code=202,
    responses={
        404: {"description": "No entry has this id"},
        503: {"description": "The verification queue is full; try again later"},
    },
)
def verify_entry(entry_id: EntryId, services: ServicesDep) -> JobQueued:
    """Queue every snippet of the entry for the sandboxed harness; answers with a job id."""
    harness = services.harness
    if harness is None:
        raise HTTPException(status_code=503, detail="the verification runner is not running")
    try:
        job = harness.enqueue("entry", entry_id)
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
