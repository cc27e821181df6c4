"""REST route for outcome reports: whether a fix worked for the agent that applied it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from .. import security
from ..outcomes import OutcomeIn, UnknownTargetError, record_outcome, reset_outcomes
from ..public import OutcomePublic, OutcomesResetPublic
from ..security.writers import writer_key
from .deps import ServicesDep

router = APIRouter(prefix="/entries", tags=["entries"])


@router.post(
    "/{entry_id}/outcomes",
    status_code=201,
    responses={
        401: {"description": "Unknown or revoked API key, or none where writes need one"},
        404: {"description": "No entry has this id, or the entry has no such fix"},
        429: {"description": "Too many reports from this client (see Retry-After)"},
    },
)
def report_outcome(
    entry_id: str, report: OutcomeIn, request: Request, services: ServicesDep
) -> OutcomePublic:
    """Report whether a fix worked: `{"fix_id", "outcome", "details", "environment"}`.

    `outcome` is `worked`, `worked_with_changes` or `did_not_work`. Reports are counted on
    the fix and used by search ranking; each client may send a few a minute (429 beyond).
    An API key (`Authorization: Bearer errata_...` or `X-API-Key`) makes a report weigh more.
    """
    client_key = writer_key(request, services)
    try:
        return record_outcome(services, entry_id, report, client_key=client_key)
    except UnknownTargetError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.delete(
    "/{entry_id}/outcomes",
    responses={
        401: {"description": "No maintainer token"},
        404: {"description": "No entry has this id"},
    },
)
def delete_outcomes(
    entry_id: str, request: Request, services: ServicesDep, fix_id: str | None = None
) -> OutcomesResetPublic:
    """Delete an entry's outcome reports, or one fix's with `?fix_id=` (maintainer token).

    Ranking forgets them at once; use it when reports were forged or the fix changed.
    """
    security.require_maintainer(request, services, csrf_checked=False)
    try:
        return reset_outcomes(services, entry_id, fix_id)
    except UnknownTargetError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
