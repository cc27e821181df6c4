"""The public models: what REST, MCP and the web return (never a table row).

The search contract (`SearchResponse` and its parts) is shared by the matching engine and
every interface.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict
from pydantic import Field as PydanticField

from .schema.vocab import JobStatus, Origin, Outcome, RunStatus, SnippetKind, UtcDatetime
from .verdicts import Shown

SHOWN_DESCRIPTION = (
    "What errata's sandbox showed, in the words every surface uses: \"errata's check passed\" "
    "(a check by errata's maintainers ran to its end and passed), \"the contributor's check "
    'passed" (a contributor\'s check, read by a maintainer), "ran without error" (no '
    "check: the code only ran); null when nothing can be claimed."
)


def shown_field() -> Any:
    """The `shown` field every verification record carries (see SHOWN_DESCRIPTION)."""
    return PydanticField(default=None, description=SHOWN_DESCRIPTION)


# --- Public models: what leaves the service ------------------------------------------------


class ReviewFlagPublic(BaseModel):
    """A construct the static review flagged in a snippet or its check (harness/review.py)."""

    file: str
    line: int
    code: str
    message: str


class VerificationPublic(BaseModel):
    """The latest harness record of a snippet; `stale` when the snippet or check changed.

    `status` is explained, with the words surfaces show, in server/verdicts.py.
    """

    model_config = ConfigDict(from_attributes=True)
    status: RunStatus
    stale: bool = False
    error: str = ""
    exit_code: int | None = None
    duration_ms: float = 0.0
    figures: dict[str, Any] = PydanticField(default_factory=dict)
    python_version: str = ""
    sandbox_version: str = ""
    code_hash: str = ""
    verified_at: UtcDatetime | None = PydanticField(
        default=None, validation_alias=AliasChoices("verified_at", "created_at")
    )
    flags: list[ReviewFlagPublic] = PydanticField(default_factory=list)
    shown: Shown | None = shown_field()
    # "harness": run by this server's harness; "record": a record shipped with the entries.
    source: Literal["harness", "record"] = "harness"


class SnippetPublic(BaseModel):
    """A snippet as published (or errata's correction of one), with its verification."""

    id: str
    file: str
    language: str
    kind: SnippetKind
    corrects: str | None = None
    note: str = ""
    code: str
    check_code: str | None = None
    verification: VerificationPublic


class FixPublic(BaseModel):
    """A fix with its snippets and how often agents reported it working."""

    id: str
    title: str
    explanation: str
    applies_when: str = ""
    for_symptoms: list[str] = PydanticField(default_factory=list)
    snippets: list[SnippetPublic]
    outcomes: dict[str, int] = PydanticField(default_factory=dict)


class TablePublic(BaseModel):
    """An extra table of an entry."""

    title: str
    columns: list[str]
    rows: list[list[str]]


class EntryPublic(BaseModel):
    """A whole entry as REST, MCP and the web return it."""

    id: str
    title: str
    tags: list[str]
    languages: list[str]
    frameworks: list[str]
    symptoms: list[str]
    root_cause: str
    fixes: list[FixPublic]
    tables: list[TablePublic]
    environment: list[str]
    source: str
    expected_savings: str
    origin: Origin
    preference: list[str] = PydanticField(default_factory=list)
    preference_reason: str = ""
    distinguish: str = ""
    verified: bool
    shown: Shown | None = shown_field()  # the least any of its fixes shows
    updated_at: UtcDatetime


class EntrySummary(BaseModel):
    """One line of the entry list."""

    id: str
    title: str
    tags: list[str]
    languages: list[str]
    origin: Origin
    symptom_count: int
    fix_count: int


class EntryPage(BaseModel):
    """A page of the entry list."""

    items: list[EntrySummary]
    total: int
    limit: int
    offset: int


# --- Search: the contract between the matching engine and every interface ---------------------


class VerificationSummary(BaseModel):
    """How the code a fix shows fared in the harness: `status` and `label` describe that code."""

    status: RunStatus
    label: str = ""
    shown: Shown | None = shown_field()
    passed: int = 0
    total: int = 0
    python_version: str = ""
    verified_on: str = ""
    figures: dict[str, Any] = PydanticField(default_factory=dict)


class FixBrief(BaseModel):
    """A fix as a search result shows it: enough to act on without another call."""

    id: str
    title: str
    summary: str
    code: str
    language: str = "python"
    language_note: str = ""
    applies_when: str = ""
    verification: VerificationSummary


class SearchResult(BaseModel):
    """One ranked match."""

    id: str
    title: str
    score: float
    confident: bool
    matched_symptom: str
    why: str
    root_cause: str
    origin: Origin
    verified: bool
    shown: Shown | None = shown_field()  # the least any of its fixes shows
    fixes: list[FixBrief]  # best first for this match (search/preference.py)
    preference_reason: str = ""
    distinguish: str = ""  # the one observation that confirms this cause over its look-alikes
    # in the first result's differential: its message is listed by other results, or several
    # causes print it and nothing else in the query names this one: the trace cannot choose
    shared: bool = False


class SearchResponse(BaseModel):
    """The answer to a search: `matched` only when the first result is confident."""

    status: Literal["matched", "no_match"]
    query_normalized: str
    results: list[SearchResult]


# --- Verification jobs, contributions and outcome reports -----------------------------------


class SnippetRunPublic(VerificationPublic):
    """One snippet's record from a job or a submission's verification."""

    snippet: str = PydanticField(validation_alias=AliasChoices("snippet", "snippet_slug"))


class JobPublic(BaseModel):
    """A verification job as REST returns it: `results` are filled in once it is done."""

    model_config = ConfigDict(from_attributes=True)
    job_id: str = PydanticField(validation_alias=AliasChoices("job_id", "id"))
    kind: str
    target_id: str
    status: JobStatus
    error: str = ""
    attempts: int = 0
    created_at: UtcDatetime
    started_at: UtcDatetime | None = None
    finished_at: UtcDatetime | None = None
    results: list[SnippetRunPublic] = PydanticField(default_factory=list)


class JobQueued(BaseModel):
    """A verification job was queued; follow it at `/api/jobs/{job_id}`."""

    job_id: str
    status: str


class OutcomePublic(BaseModel):
    """A stored report and the fix's running counts by outcome."""

    id: int
    entry_id: str
    fix_id: str
    outcome: Outcome
    counts: dict[str, int]
    created_at: UtcDatetime


class OutcomesResetPublic(BaseModel):
    """What a maintainer's reset of outcome reports deleted."""

    entry_id: str
    fix_id: str | None = PydanticField(
        description="The fix whose reports went; null: the whole entry's."
    )
    deleted: int = PydanticField(description="How many reports were deleted.")


class GapPublic(BaseModel):
    """A kind of error errata could not answer, in masked form (see README, privacy)."""

    source: Literal["no_match", "did_not_work"]
    template: str
    language: str
    example: str  # masked: the normaliser's output with secrets removed
    count: int
    first_seen: UtcDatetime
    last_seen: UtcDatetime
    start_entry: str  # the contribution form, prefilled with the example
