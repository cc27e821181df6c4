"""The entry draft every interface shares: what `entries/<id>/` holds and a submission becomes.

Pydantic only (no database): files, contributions and the MCP tools' schemas use these.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from .vocab import SLUG_PATTERN, Origin, SnippetKind


class Draft(BaseModel):
    """Base of every draft: unknown fields are errors, strings are stripped of nothing."""

    model_config = ConfigDict(extra="forbid")


class SnippetDraft(Draft):
    """One code snippet exactly as published, and the check the harness runs against it."""

    id: str = PydanticField(pattern=SLUG_PATTERN, max_length=80)
    file: str = PydanticField(min_length=1, max_length=200)
    code: str = PydanticField(min_length=1, max_length=100_000)
    check_file: str | None = None
    check_code: str | None = PydanticField(default=None, max_length=100_000)
    language: str = PydanticField(default="python", max_length=40)
    kind: SnippetKind = "published"
    corrects: str | None = None
    note: str = PydanticField(default="", max_length=4_000)


class FixDraft(Draft):
    """One way to fix the problem: a title, an explanation and its snippets."""

    id: str = PydanticField(pattern=SLUG_PATTERN, max_length=80)
    title: str = PydanticField(min_length=1, max_length=300)
    explanation: str = PydanticField(default="", max_length=20_000)
    applies_when: str = PydanticField(default="", max_length=300)  # one line: the situation
    for_symptoms: list[str] = PydanticField(default_factory=list)  # first choice for these
    snippets: list[SnippetDraft] = PydanticField(default_factory=list)


class TableDraft(Draft):
    """An extra table of the entry (the seed's locking-strategy comparison)."""

    title: str = PydanticField(min_length=1, max_length=300)
    columns: list[str] = PydanticField(min_length=1)
    rows: list[list[str]] = PydanticField(default_factory=list)


class EntryDraft(Draft):
    """A whole entry: what `entries/<id>/` holds and what an approved submission becomes."""

    id: str = PydanticField(pattern=SLUG_PATTERN, max_length=80)
    title: str = PydanticField(min_length=1, max_length=300)
    tags: list[str] = PydanticField(default_factory=list)
    languages: list[str] = PydanticField(default_factory=list)
    frameworks: list[str] = PydanticField(default_factory=list)
    symptoms: list[str] = PydanticField(min_length=1)
    root_cause: str = PydanticField(min_length=1, max_length=20_000)
    fixes: list[FixDraft] = PydanticField(min_length=1)
    tables: list[TableDraft] = PydanticField(default_factory=list)
    environment: list[str] = PydanticField(default_factory=list)
    source: str = PydanticField(min_length=1, max_length=2_000)
    expected_savings: str = PydanticField(default="", max_length=4_000)
    origin: Origin = "curated"
    preference: list[str] = PydanticField(default_factory=list)  # fix ids, best first
    preference_reason: str = PydanticField(default="", max_length=1_000)
    distinguish: str = PydanticField(default="", max_length=300)  # what confirms this cause
