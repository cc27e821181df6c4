"""Outgoing models of the contribution loop: trials ("run in sandbox"), submissions as
contributors and moderators see them, and submission pages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from ..public import ReviewFlagPublic, SnippetRunPublic, shown_field
from ..schema.vocab import SubmissionStatus, UtcDatetime
from ..verdicts import Shown


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


class SubmissionReceipt(BaseModel):
    """What a contributor gets back: the id, the status and where to follow it."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    status: str
    entry_id: str | None
    duplicate_of: str | None
    status_url: str


class SnippetForReview(BaseModel):
    """A submitted snippet as a moderator judges it: code, check, and what its run left."""

    id: str
    file: str
    language: str
    code: str
    check_code: str | None
    status: str  # the run's status, or "pending" before any run
    shown: Shown | None = shown_field()
    error: str = ""
    stderr_tail: str = ""  # the last lines of the run's stderr
    flags: list[ReviewFlagPublic] = PydanticField(default_factory=list)


class FixForReview(BaseModel):
    """A submitted fix: its explanation and every snippet."""

    id: str
    title: str
    explanation: str
    snippets: list[SnippetForReview]


class SymptomLine(BaseModel):
    """One line of the symptoms' diff: in both, only the entry's, or only the submission's."""

    side: Literal["both", "entry", "submission"]
    text: str


class NearestEntry(BaseModel):
    """The existing entry closest to a submission: its duplicate, or the best search hit."""

    id: str
    title: str
    reason: Literal["duplicate_of", "best search hit"]
    score: float | None = None
    symptom_diff: list[SymptomLine] = PydanticField(default_factory=list)


class Review(BaseModel):
    """What a moderator must judge before approving (maintainers only)."""

    root_cause: str
    fixes: list[FixForReview]
    nearest: NearestEntry | None = None


class SubmissionPublic(SubmissionReceipt):
    """A submission as anyone may see it (the contact address stays private); `review` only
    for maintainers."""

    title: str
    review_note: str
    created_at: UtcDatetime
    updated_at: UtcDatetime
    verification: list[SnippetRunPublic]
    review: Review | None = None
