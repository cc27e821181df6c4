"""Database tables (the drafts live in schema/drafts.py, the literal kinds in schema/vocab.py).

One family per entity: a *draft* (what a file or a contributor supplies), a *table* (what the
database holds) and a *public* model (what REST, MCP and the web return).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .schema.drafts import Draft, EntryDraft, FixDraft, SnippetDraft, TableDraft
from .schema.vocab import (
    SLUG_PATTERN,
    JobStatus,
    Origin,
    Outcome,
    RunStatus,
    SnippetKind,
    SubmissionStatus,
    UtcDatetime,
    as_utc,
    utcnow,
)

__all__ = [
    "SLUG_PATTERN",
    "Draft",
    "EntryDraft",
    "FixDraft",
    "JobStatus",
    "Origin",
    "Outcome",
    "RunStatus",
    "SnippetDraft",
    "SnippetKind",
    "SubmissionStatus",
    "TableDraft",
    "UtcDatetime",
    "as_utc",
    "utcnow",
]  # re-exported: schema/drafts.py and schema/vocab.py are their home


def _json_column() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _text_column(nullable: bool = False) -> Any:
    return Field(default="" if not nullable else None, sa_column=Column(Text, nullable=nullable))


def _time_column() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


# --- Tables ------------------------------------------------------------------------------------


class Entry(SQLModel, table=True):
    """An entry's scalar fields; symptoms, fixes and snippets are rows of their own."""

    id: str = Field(primary_key=True, max_length=80)
    title: str = Field(max_length=300)
    tags: list[str] = _json_column()
    languages: list[str] = _json_column()
    frameworks: list[str] = _json_column()
    root_cause: str = _text_column()
    tables: list[dict[str, Any]] = _json_column()
    environment: list[str] = _json_column()
    source: str = _text_column()
    expected_savings: str = _text_column()
    origin: str = Field(default="curated", max_length=20)
    preference: list[str] = _json_column()
    preference_reason: str = _text_column()
    distinguish: str = _text_column()
    status: str = Field(default="active", max_length=20, index=True)
    from_files: bool = Field(default=False)
    content_hash: str = Field(max_length=64)
    created_at: datetime = _time_column()
    updated_at: datetime = _time_column()


class Symptom(SQLModel, table=True):
    """One symptom string of an entry: an error message, a log line or a behaviour."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(foreign_key="entry.id", index=True, max_length=80)
    position: int
    text: str = _text_column()


class Fix(SQLModel, table=True):
    """One fix of an entry."""

    __table_args__ = (UniqueConstraint("entry_id", "slug"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(foreign_key="entry.id", index=True, max_length=80)
    slug: str = Field(max_length=80)
    position: int
    title: str = Field(max_length=300)
    explanation: str = _text_column()
    applies_when: str = _text_column()
    for_symptoms: list[str] = _json_column()


class Snippet(SQLModel, table=True):
    """One snippet of a fix, its check, and the hash that ties verification runs to both."""

    __table_args__ = (UniqueConstraint("entry_id", "slug"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(foreign_key="entry.id", index=True, max_length=80)
    fix_slug: str = Field(max_length=80)
    slug: str = Field(max_length=80)
    position: int
    file: str = Field(max_length=200)
    code: str = _text_column()
    check_file: str | None = Field(default=None, max_length=200)
    check_code: str | None = _text_column(nullable=True)
    language: str = Field(default="python", max_length=40)
    kind: str = Field(default="published", max_length=20)
    corrects: str | None = Field(default=None, max_length=80)
    note: str = _text_column()
    code_hash: str = Field(max_length=64, index=True)


class VerificationRun(SQLModel, table=True):
    """What happened when the harness ran one snippet with its check.

    Runs are keyed by (entry, snippet slug, code hash), not by snippet row, so reloading an
    entry keeps its latest record and a changed snippet or check makes it stale; recording a
    run for new code drops the runs of older code. `flags` are the static review's findings
    (harness/review.py), `[{file, line, code, message}]`; stdout and stderr keep their tails.
    """

    __table_args__ = (Index("ix_run_snippet", "entry_id", "snippet_slug", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: str | None = Field(default=None, max_length=80)
    submission_id: str | None = Field(default=None, max_length=40, index=True)
    snippet_slug: str = Field(max_length=80)
    code_hash: str = Field(max_length=64)
    status: str = Field(max_length=20)
    error: str = _text_column()
    exit_code: int | None = None
    duration_ms: float = 0.0
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    stdout: str = _text_column()
    stderr: str = _text_column()
    python_version: str = Field(default="", max_length=40)
    sandbox_version: str = Field(default="", max_length=120)
    flags: list[dict[str, Any]] = _json_column()
    source: str = Field(  # "record": imported from a shipped record (records.py), not run here
        default="harness", max_length=20, sa_column_kwargs={"server_default": "harness"}
    )
    created_at: datetime = _time_column()


class Job(SQLModel, table=True):
    """A verification job: claimed by one process at a time under a lease that expires."""

    __table_args__ = (Index("ix_job_claim", "status", "lease_expires_at"),)
    id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(max_length=20)  # "entry" or "submission"
    target_id: str = Field(max_length=80)
    snippet_slugs: list[str] = _json_column()
    status: str = Field(default="queued", max_length=20)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=120)
    lease_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    error: str = _text_column()
    created_at: datetime = _time_column()
    started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Submission(SQLModel, table=True):
    """A contributed entry on its way through verification and review."""

    id: str = Field(primary_key=True, max_length=40)
    status: str = Field(default="pending", max_length=20, index=True)
    title: str = Field(max_length=300)
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    contact: str = Field(default="", max_length=300)
    client_key: str = Field(default="", max_length=64, index=True)
    duplicate_of: str | None = Field(default=None, max_length=80)
    review_note: str = _text_column()
    entry_id: str | None = Field(default=None, max_length=80)
    created_at: datetime = _time_column()
    updated_at: datetime = _time_column()
    history: list[dict[str, Any]] = _json_column()  # maintainers' edits: [{at, by, fields}]


class OutcomeReport(SQLModel, table=True):
    """An agent's report of whether a fix worked for it."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(foreign_key="entry.id", index=True, max_length=80)
    fix_slug: str = Field(max_length=80)
    outcome: str = Field(max_length=30)
    details: str = _text_column()
    environment: str = _text_column()
    created_at: datetime = _time_column()
    client_key: str | None = Field(default=None, max_length=16)  # hashed address, see security


class RateEvent(SQLModel, table=True):
    """One counted request for a rate limit; shared by every process on the database."""

    __table_args__ = (Index("ix_rate_key_time", "key", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120)
    created_at: datetime = _time_column()


class Meta(SQLModel, table=True):
    """Small counters shared by every process, such as the search index revision."""

    key: str = Field(primary_key=True, max_length=60)
    value: int = 0


def snippet_hash(code: str, check_code: str | None) -> str:
    """The hash tying a verification run to the exact snippet and check it ran."""
    payload = code + "\0" + (check_code or "")
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def draft_hash(draft: EntryDraft) -> str:
    """The hash of a whole entry draft; loading skips entries whose hash is unchanged."""
    return hashlib.sha256(draft.model_dump_json().encode("utf-8")).hexdigest()


class IndexDocument(BaseModel):
    """What the search index needs of one active entry."""

    id: str
    title: str
    symptoms: list[str]
    languages: list[str]
    frameworks: list[str]
    tags: list[str]
    origin: Origin
    verified: bool
    outcome_score: float = 0.0


class Gap(SQLModel, table=True):
    """A kind of error errata could not answer: masked, secrets removed, one row per template."""

    __table_args__ = (
        UniqueConstraint("source", "template", name="uq_gap_template"),
        Index("ix_gap_last_seen", "last_seen"),
    )
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=20)  # "no_match" or "did_not_work"
    template: str = Field(max_length=40)  # the masked message's fingerprint
    language: str = Field(default="", max_length=40)
    example: str = _text_column()  # the latest masked example
    count: int = 0
    first_seen: datetime = _time_column()
    last_seen: datetime = _time_column()


class ApiKey(SQLModel, table=True):
    """A writer's API key, issued by a maintainer; only its SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _time_column()
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Trial(SQLModel, table=True):
    """A contributor's "run in sandbox" before submitting: one snippet and its check, run
    through the verification queue; the code is dropped once it ran, and the row expires."""

    id: str = Field(primary_key=True, max_length=40)
    client_key: str = Field(default="", max_length=64, index=True)
    language: str = Field(default="python", max_length=40)
    code: str = _text_column()
    check_code: str = _text_column()
    status: str = Field(default="queued", max_length=20)  # queued, running, done
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _time_column()
