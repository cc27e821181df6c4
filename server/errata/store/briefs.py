"""The few columns a search result shows, for several entries at once, in four queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from ..models import Entry, Fix, Snippet
from .entry_view import latest_runs


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
    sandbox_version: str = ""  # names the Node version a JavaScript or TypeScript run used
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


def search_briefs(*, session: Session, entry_ids: list[str]) -> dict[str, BriefRow]:
    """Briefs of the given active entries (unknown or retired ids are left out)."""
    if not entry_ids:
        return {}
    # Status is checked here, not in SQL: `status = 'active'` would lead SQLite to scan the
    # status index (every active entry) instead of looking the few ids up by primary key.
    entries = session.exec(select(Entry).where(col(Entry.id).in_(entry_ids))).all()
    briefs = {
        e.id: BriefRow(
            e.id, e.title, e.root_cause, e.origin, e.preference, e.preference_reason, e.distinguish
        )
        for e in entries
        if e.status == "active"
    }
    fixes: dict[tuple[str, str], FixRow] = {}
    for fix_row in session.exec(
        select(Fix).where(col(Fix.entry_id).in_(list(briefs))).order_by(col(Fix.position))
    ):
        fix = FixRow(
            fix_row.slug,
            fix_row.title,
            fix_row.explanation,
            fix_row.applies_when,
            fix_row.for_symptoms,
        )
        fixes[(fix_row.entry_id, fix_row.slug)] = fix
        briefs[fix_row.entry_id].fixes.append(fix)
    runs = latest_runs(session=session, entry_ids=list(briefs))
    for snippet in session.exec(
        select(Snippet)
        .where(col(Snippet.entry_id).in_(list(briefs)))
        .order_by(col(Snippet.position))
    ):
        run = runs.get((snippet.entry_id, snippet.slug))
        row = SnippetRow(
            slug=snippet.slug,
            code=snippet.code,
            status=run.status if run else "unverified",
            stale=bool(run and run.code_hash != snippet.code_hash),
            figures=run.figures if run else {},
            language=snippet.language,
            kind=snippet.kind,
            corrects=snippet.corrects,
            python_version=run.python_version if run else "",
            sandbox_version=run.sandbox_version if run else "",
            verified_on=run.created_at.date().isoformat() if run and run.created_at else "",
            source=run.source if run else "harness",
        )
        owner = fixes.get((snippet.entry_id, snippet.fix_slug))
        if owner is not None:
            owner.snippets.append(row)
    return briefs
