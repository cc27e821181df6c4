"""REST route for outcome reports: whether a fix worked for the agent that applied it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from .deps import ServicesDep
from .outcomes import OutcomeIn, OutcomePublic, UnknownTargetError, record_outcome

router = APIRouter(prefix="/api")


@router.post(
    "/entries/{entry_id}/outcomes",
    tags=["entries"],
    status_code=201,
    responses={404: {"description": "No entry has this id, or the entry has no such fix"}},
)
def report_outcome(entry_id: str, report: OutcomeIn, services: ServicesDep) -> OutcomePublic:
    """Report whether a fix worked: `{"fix_id", "outcome", "details", "environment"}`.

    `outcome` is `worked`, `worked_with_changes` or `did_not_work`. Reports are counted on
    the fix and used by search ranking.
    """
    try:
        return record_outcome(services, entry_id, report)
    except UnknownTargetError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
