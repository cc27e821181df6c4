"""REST routes for contributions and moderation: parse, call one domain function, return."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .. import security, store
from ..contributions import editing, lifecycle, moderation
from ..contributions.public import SubmissionPage, SubmissionPublic, SubmissionReceipt
from ..contributions.submission import SubmissionIn, SubmissionInvalid
from ..models import Submission
from ..security.writers import writer_key
from . import submission_list
from .deps import ServicesDep

router = APIRouter(prefix="/submissions", tags=["submissions"])


class ReviewIn(BaseModel):
    """A maintainer's decision: a note, and `force` to approve a failed or unverified one."""

    note: str = Field(default="", max_length=4_000)
    force: bool = False


class RejectIn(BaseModel):
    """Why a submission is rejected (required: the contributor reads it)."""

    note: str = Field(min_length=1, max_length=4_000, pattern=r"\S")


def _loc(field: str) -> list[str | int]:
    """ "fixes[0].code" -> ["body", "fixes", 0, "code"], as FastAPI reports locations."""
    parts = field.replace("]", "").replace("[", ".").split(".")
    return ["body", *(int(p) if p.isdigit() else p for p in parts)]


def _field_detail(exc: SubmissionInvalid) -> list[dict[str, Any]]:
    """One item per field, in FastAPI's own shape: `{"loc", "msg", "type", "field"}`."""
    return [
        {"loc": _loc(field), "msg": message, "type": "value_error", "field": field}
        for field, message in exc.errors.items()
    ]


def field_errors(exc: SubmissionInvalid) -> JSONResponse:
    """A 422 in FastAPI's own shape, one item per field: `{"detail": [{"loc", "msg"}]}`."""
    return JSONResponse({"detail": _field_detail(exc)}, status_code=422)


def public(services: ServicesDep, submission: Submission) -> SubmissionPublic:
    """The public view of a submission, with its latest sandbox results."""
    return lifecycle.submission_public(services, submission)


def _maintainer(request: Request, services: ServicesDep) -> None:
    security.require_maintainer(request, services, csrf_checked=False)


MaintainerDep = Annotated[None, Depends(_maintainer)]


def _maintainer_reads(request: Request, services: ServicesDep) -> None:
    security.require_maintainer(request, services, csrf_checked=True)  # a GET changes nothing


@router.get(
    "",
    responses={
        401: {"description": "Needs the maintainer token"},
        422: {"description": "Unknown status"},
    },
)
def list_submissions(
    services: ServicesDep,
    _auth: Annotated[None, Depends(_maintainer_reads)],
    status: Annotated[str, Query(max_length=200, pattern=submission_list.STATUS_PATTERN)] = "open",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SubmissionPage:
    """Submissions for maintainers, oldest first, a page at a time (`next_offset`).

    `status` is one status (`pending`, `verifying`, `verified`, `ran_without_error`,
    `flagged`, `failed`, `unverified`, `approved`, `rejected`), several joined by commas,
    `open` (every status still waiting for a decision, the default) or `all`.
    """
    try:
        statuses = submission_list.statuses(status)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return submission_list.page(services, statuses, offset=offset, limit=limit)


@router.post(
    "",
    status_code=202,
    response_model=SubmissionReceipt,
    responses={
        401: {"description": "Unknown or revoked API key, or none where writes need one"},
        422: {"description": "Field errors"},
        429: {"description": "Too many submissions"},
    },
)
def submit_entry(
    request: Request, services: ServicesDep, data: Annotated[SubmissionIn, Body()]
) -> Any:
    """Submit an entry: it is verified in the sandbox, then reviewed by a maintainer.

    Returns 202 with the submission id and its status page; 422 lists every field error.
    An API key (`Authorization: Bearer errata_...` or `X-API-Key`) is optional unless the
    server turned anonymous writes off.
    """
    client_key = writer_key(request, services)
    try:
        return lifecycle.submit(services, data, client_key=client_key)
    except SubmissionInvalid as exc:
        return field_errors(exc)


def _get(services: ServicesDep, submission_id: str) -> Submission:
    with services.database.read() as session:
        submission = store.get_submission(session=session, submission_id=submission_id[:40])
    if submission is None:
        raise HTTPException(404, f"no submission with id {submission_id!r}")
    return submission


@router.get("/{submission_id}", responses={404: {"description": "Unknown submission"}})
def get_submission(submission_id: str, request: Request, services: ServicesDep) -> SubmissionPublic:
    """A submission's status and its sandbox results; for maintainers also `review`: what a
    moderator must judge (root cause, fixes with code and checks, stderr tails, the static
    review's flags, the nearest existing entry)."""
    submission = _get(services, submission_id)
    found = public(services, submission)
    if security.is_maintainer(request, services):
        found.review = moderation.review(services, submission)
    return found


def _decide(action: Any, services: ServicesDep, submission_id: str) -> SubmissionPublic:
    try:
        action()
    except lifecycle.SubmissionNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except lifecycle.TransitionRefused as exc:
        raise HTTPException(409, str(exc)) from exc
    except SubmissionInvalid as exc:
        raise HTTPException(422, _field_detail(exc)) from exc  # the spec's 422 shape
    return public(services, _get(services, submission_id))


_REVIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Needs the maintainer token"},
    404: {"description": "Unknown submission"},
    409: {"description": "Not in a state that allows this"},
}


@router.post("/{submission_id}/approve", responses=_REVIEW_RESPONSES)
def approve(
    submission_id: str, services: ServicesDep, _auth: MaintainerDep, review: ReviewIn | None = None
) -> SubmissionPublic:
    """Approve a verified submission: it becomes an entry, searchable at once (maintainers).

    A failed or unverified submission is refused (409) unless `force` is true.
    """
    review = review or ReviewIn()
    return _decide(
        lambda: lifecycle.approve(services, submission_id, note=review.note, force=review.force),
        services,
        submission_id,
    )


@router.post("/{submission_id}/reject", responses=_REVIEW_RESPONSES)
def reject(
    submission_id: str, services: ServicesDep, _auth: MaintainerDep, review: RejectIn
) -> SubmissionPublic:
    """Reject a submission with a note saying why (maintainers)."""
    return _decide(
        lambda: lifecycle.reject(services, submission_id, note=review.note),
        services,
        submission_id,
    )


@router.post("/{submission_id}/verify", responses=_REVIEW_RESPONSES)
def verify_again(
    submission_id: str, services: ServicesDep, _auth: MaintainerDep
) -> SubmissionPublic:
    """Queue a submission's snippets for the sandbox again (maintainers)."""
    return _decide(lambda: lifecycle.requeue(services, submission_id), services, submission_id)


@router.patch("/{submission_id}", responses={**_REVIEW_RESPONSES, 422: {"description": "Errors"}})
def edit_submission(
    submission_id: str,
    request: Request,
    services: ServicesDep,
    _auth: MaintainerDep,
    change: Annotated[editing.DraftEdit, Body()],
) -> Any:
    """Correct an open submission's words before approving it (maintainers): title, tags,
    symptoms, root cause, each fix's title, situation and explanation, and the entry's other
    text. Code and checks cannot change. The edit is recorded in the submission's history."""
    by = submission_list.editor(request, services)
    try:
        editing.edit(services, submission_id, change, by=by)
    except SubmissionInvalid as exc:
        return field_errors(exc)
    except editing.SubmissionNotEditable as exc:
        raise HTTPException(409 if _exists(services, submission_id) else 404, str(exc)) from exc
    return public(services, _get(services, submission_id))


def _exists(services: ServicesDep, submission_id: str) -> bool:
    with services.database.read() as session:
        return store.get_submission(session=session, submission_id=submission_id[:40]) is not None
