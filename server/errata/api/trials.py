"""REST for "run in sandbox": try one fix's code and check before submitting anything.

`POST /api/trials` queues the run (rate-limited per client like submissions, in at most half
of the verification queue); `GET /api/trials/{id}` answers while it waits and once it ran.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Request

from ..contributions import trial
from ..contributions.public import TrialPublic, TrialQueued
from ..contributions.submission import FixIn, SubmissionInvalid
from ..security.writers import writer_key
from .deps import ServicesDep
from .submissions import field_errors

router = APIRouter(prefix="/trials", tags=["submissions"])
TrialId = Annotated[str, Path(max_length=40, pattern=r"^trial-[0-9a-f]+$")]


@router.post(
    "",
    status_code=202,
    response_model=TrialQueued,
    responses={
        422: {"description": "Field errors (code, check, language)"},
        429: {"description": "Too many sandbox runs from this client"},
        503: {"description": "The sandbox cannot run code now, or the queue is full"},
    },
)
def start_trial(request: Request, services: ServicesDep, fix: Annotated[FixIn, Body()]) -> Any:
    """Run one fix's code with its check in the sandbox, without submitting anything.

    Send the fix as in a submission (`code`, `check`, `language`; title and explanation are
    ignored). Python, JavaScript and TypeScript run; other languages are refused here (422)
    but accepted, unrun, in a submission. The code is dropped once it ran and the result
    expires after 30 minutes.
    """
    client_key = writer_key(request, services)
    try:
        started = trial.start(services, fix, client_key=client_key)
    except SubmissionInvalid as exc:
        return field_errors(exc)
    except trial.TrialUnavailable as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "30"}) from exc
    return TrialQueued(id=started.id, status="queued", status_url=trial.url(started.id))


@router.get("/{trial_id}", responses={404: {"description": "Unknown or expired trial"}})
def get_trial(trial_id: TrialId, services: ServicesDep) -> TrialPublic:
    """A trial: `queued` while it waits, then `done` with the outcome, its output and flags."""
    found = trial.get(services.database, trial_id)
    if found is None:
        raise HTTPException(404, f"no trial with id {trial_id!r} (results expire after 30 min)")
    return found
