"""The few columns a search result shows, for several entries at once, in three queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from ..models import Entry, Fix, Meta, Snippet, VerificationRun
from .entries import REVISION_KEY


@dataclass
class SnippetRow:
    """A snippet's code and where its newest verification run left it."""

    slug: str
    code: str
    status: str  # the newest run's status, or "unverified"
    stale: bool
    figures: dict[str, Any]
    language: str = "python"
    kind: str = "published"
    corrects: str | None = None
    python_version: str = ""
    verified_on: str = ""  # the newest run's date, YYYY-MM-DD
    source: str = "harness"  # "record": the run is a shipped verification record


@dataclass
class FixRow:
    """A fix's title and explanation with its snippets."""

    slug: str
    title: str
    explanation: str
    applies_when: str = ""
    for_symptoms: list[str] = field(default_factory=list)
    snippets: list[SnippetRow] = field(default_factory=list)


@dataclass
class BriefRow:
    """What a search result needs of one active entry."""

    id: str
    title: str
    root_cause: str
    origin: str
    preference: list[str] = field(default_factory=list)
    preference_reason: str = ""
    distinguish: str = ""
    fixes: list[FixRow] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """Every fix has at least one snippet whose current code passed."""
        return bool(self.fixes) and all(
            any(s.status == "passed" and not s.stale for s in fix.snippets) for fix in self.fixes
        )


def brief_stamp(*, session: Session) -> tuple[int | None, int | None]:
    """What every brief depends on besides its own rows, in one query: the entries' revision
    (bumped with every change of an entry, its fixes or snippets) and the newest run's id
    (runs are only added; pruning older code's runs comes with a new one)."""
    revision, newest_run = session.execute(_STAMP).one()
    return revision, newest_run


def search_briefs(*, session: Session, entry_ids: list[str]) -> dict[str, BriefRow]:
    """Briefs of the given active entries (unknown or retired ids are left out).

    Three primary-key or indexed lookups that read only the columns a result shows (no ORM
    objects, no run output): a search pays for the few entries it returns, at any size.
    """
    if not entry_ids:
        return {}
    # Status is checked here, not in SQL: `status = 'active'` would lead SQLite to scan the
    # status index (every active entry) instead of looking the few ids up by primary key.
    briefs = {
        row[0]: BriefRow(*row[:7])
        for row in session.execute(_ENTRIES, {"ids": entry_ids})
        if row[7] == "active"
    }
    if not briefs:
        return briefs
    fixes: dict[tuple[str, str], FixRow] = {}
    for entry_id, *fields in session.execute(_FIXES, {"ids": list(briefs)}):
        fix = FixRow(*fields)
        fixes[(entry_id, fix.slug)] = fix
        briefs[entry_id].fixes.append(fix)
    for entry_id, fix_slug, *fields in session.execute(_SNIPPETS, {"ids": list(briefs)}):
        owner = fixes.get((entry_id, fix_slug))
        if owner is not None:
            owner.snippets.append(_snippet_row(*fields))
    return briefs


_ENTRY: tuple[Any, ...] = (
    Entry.id, Entry.title, Entry.root_cause, Entry.origin, Entry.preference,
    Entry.preference_reason, Entry.distinguish, Entry.status,
)  # fmt: skip
_FIX: tuple[Any, ...] = (
    Fix.entry_id,
    Fix.slug,
    Fix.title,
    Fix.explanation,
    Fix.applies_when,
    Fix.for_symptoms,
)
_SNIPPET: tuple[Any, ...] = (
    Snippet.entry_id, Snippet.fix_slug, Snippet.slug, Snippet.code, Snippet.language,
    Snippet.kind, Snippet.corrects, Snippet.code_hash,
)  # fmt: skip
_RUN: tuple[Any, ...] = (
    VerificationRun.status, VerificationRun.code_hash, VerificationRun.figures,
    VerificationRun.python_version, VerificationRun.created_at, VerificationRun.source,
)  # fmt: skip


_IDS: Any = bindparam("ids", expanding=True)  # built once: a search only binds its entry ids


def _snippets() -> Any:
    """Each snippet with its newest run (the highest run id of its entry and slug), if any."""
    newest = (
        select(func.max(VerificationRun.id))
        .where(
            col(VerificationRun.entry_id) == col(Snippet.entry_id),
            col(VerificationRun.snippet_slug) == col(Snippet.slug),
        )
        .correlate(Snippet)
        .scalar_subquery()
    )
    return (
        select(*_SNIPPET, *_RUN)
        .outerjoin(VerificationRun, col(VerificationRun.id) == newest)
        .where(col(Snippet.entry_id).in_(_IDS))
        .order_by(col(Snippet.position), col(Snippet.id))
    )


_ENTRIES = select(*_ENTRY).where(col(Entry.id).in_(_IDS))
_FIXES = select(*_FIX).where(col(Fix.entry_id).in_(_IDS)).order_by(col(Fix.position), col(Fix.id))
_SNIPPETS = _snippets()


def _snippet_row(
    slug: str, code: str, language: str, kind: str, corrects: str | None, code_hash: str,
    *run: Any,
) -> SnippetRow:  # fmt: skip
    """A snippet as a result shows it; `run` is its newest run's `_RUN` columns (all None when
    it never ran)."""
    status, run_hash, figures, python_version, created_at, source = run
    if status is None:
        return SnippetRow(slug, code, "unverified", False, {}, language, kind, corrects)
    return SnippetRow(
        slug=slug,
        code=code,
        status=status,
        stale=run_hash != code_hash,
        figures=figures,
        language=language,
        kind=kind,
        corrects=corrects,
        python_version=python_version,
        verified_on=created_at.date().isoformat() if created_at else "",
        source=source,
    )


_STAMP = select(
    select(col(Meta.value)).where(col(Meta.key) == REVISION_KEY).scalar_subquery(),
    select(func.max(VerificationRun.id)).scalar_subquery(),
)
