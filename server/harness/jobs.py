"""What a verification job looks like from outside, and the errors of queueing one."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field, field_validator

from ..models import JobStatus, VerificationRun
from ..public import VerificationPublic
from ..store.entry_view import run_fields


class SnippetRunPublic(VerificationPublic):
    """One snippet's record from a job."""

    snippet: str

    @classmethod
    def of(cls, run: VerificationRun) -> SnippetRunPublic:
        """The public form of a stored run."""
        return cls(snippet=run.snippet_slug, **run_fields(run))


class JobPublic(BaseModel):
    """A verification job as REST returns it: `results` are filled in once it is done."""

    job_id: str
    kind: str
    target_id: str
    status: JobStatus
    error: str = ""
    attempts: int = 0
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    results: list[SnippetRunPublic] = Field(default_factory=list)

    @field_validator("created_at", "started_at", "finished_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # SQLite hands times back without their zone; every time errata stores is UTC.
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class QueueFull(RuntimeError):
    """The verification queue holds `verify_queue_size` jobs already."""


class UnknownTarget(LookupError):
    """The entry (or other target) to verify does not exist."""
