"""Outgoing models of the contribution loop: trials ("run in sandbox") and submission pages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic import Field as PydanticField

from ..models import SubmissionStatus, UtcDatetime


class TrialPublic(BaseModel):
    """A sandbox run of one fix before it is submitted: waiting, or what it showed."""

    id: str
    status: Literal["queued", "running", "done"]
    status_url: str
    outcome: str | None = PydanticField(
        default=None,
        description="passed, ran_without_error, failed, timeout, error or unverified; "
        "null while it waits",
    )
    passed: bool = False
    shown: str | None = None
    error: str = ""
    duration_ms: float = 0.0
    figures: dict[str, Any] = PydanticField(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    flags: list[dict[str, Any]] = PydanticField(default_factory=list)


class TrialQueued(BaseModel):
    """A trial accepted into the queue: follow `status_url` (HTML) or `/api/trials/{id}`."""

    id: str
    status: Literal["queued", "running", "done"]
    status_url: str


class SubmissionSummary(BaseModel):
    """One submission in a maintainer's list."""

    id: str
    status: SubmissionStatus
    title: str
    entry_id: str | None
    duplicate_of: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    status_url: str
    history: list[dict[str, Any]]


class SubmissionPage(BaseModel):
    """A page of submissions, oldest first; `next_offset` is null on the last page."""

    items: list[SubmissionSummary]
    total: int
    offset: int
    limit: int
    next_offset: int | None
