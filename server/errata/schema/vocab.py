"""The words every interface shares: literal kinds, UTC datetimes, answer shapes, limits.

Light on purpose (pydantic and the standard library only): the MCP tools' signatures are built
from these when `errata mcp` starts, before the database layer or the search index is imported.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Origin = Literal["curated", "contributed"]
SnippetKind = Literal["published", "correction"]
# What each status means, and the words surfaces show for it: server/verdicts.py.
RunStatus = Literal["passed", "ran_without_error", "failed", "timeout", "error", "unverified"]
Outcome = Literal["worked", "worked_with_changes", "did_not_work"]
JobStatus = Literal["queued", "running", "done", "error"]
SubmissionStatus = Literal[
    "pending", "verifying", "verified", "ran_without_error", "flagged", "failed", "unverified",
    "approved", "rejected",
]  # fmt: skip


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """The datetime with its timezone: SQLite hands stored UTC times back naive."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# What leaves the service is RFC 3339 with an offset (JSON Schema "date-time" requires one).
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]

# How much of an answer a caller wants, and its text block's format (answers/, MCP, CLI).
Detail = Literal["brief", "full"]
Format = Literal["json", "markdown"]

# An outcome report's free-text fields (outcomes.py, the MCP tool report_outcome).
MAX_DETAILS_CHARS = 4_000
MAX_ENVIRONMENT_CHARS = 2_000
