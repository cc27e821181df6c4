"""The few columns a search result shows, for several entries at once, in four queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, bindparam, column, text
from sqlmodel import Session


@dataclass
class SnippetRow:
    """A snippet's code and where its newest verification run left it."""

    slug: str
    code: str
    status: str  # the newest run's status, or "unverified"
    stale: bool
    figures: dict[str, Any]


@dataclass
class FixRow:
    """A fix's title and explanation with its snippets."""

    slug: str
    title: str
    explanation: str
    snippets: list[SnippetRow] = field(default_factory=list)


@dataclass
class BriefRow:
    """What a search result needs of one active entry."""

    id: str
    title: str
    root_cause: str
    origin: str
    fixes: list[FixRow] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """Every fix has at least one snippet whose current code passed."""
        return bool(self.fixes) and all(
            any(s.status == "passed" and not s.stale for s in fix.snippets) for fix in self.fixes
        )


# Two statements built once: building SQLAlchemy constructs per search cost more than the
# queries themselves (~1 ms of a 1k-entry search). Status is checked in Python, not in SQL:
# `status = 'active'` would lead SQLite to scan the status index instead of the primary key.
_ENTRIES_AND_FIXES = text(
    "SELECT e.id, e.title, e.root_cause, e.origin, e.status, f.slug, f.title, f.explanation"
    " FROM entry AS e LEFT JOIN fix AS f ON f.entry_id = e.id"
    " WHERE e.id IN :ids ORDER BY e.id, f.position"
).bindparams(bindparam("ids", expanding=True))
_SNIPPETS_AND_RUNS = (
    text(
        "SELECT s.entry_id, s.fix_slug, s.slug, s.code, s.code_hash,"
        " r.status, r.code_hash, r.figures"
        " FROM snippet AS s LEFT JOIN verificationrun AS r ON r.id = ("
        "  SELECT max(v.id) FROM verificationrun AS v"
        "  WHERE v.entry_id = s.entry_id AND v.snippet_slug = s.slug)"
        " WHERE s.entry_id IN :ids ORDER BY s.entry_id, s.position"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(
        column("entry_id"),
        column("fix_slug"),
        column("slug"),
        column("code"),
        column("code_hash"),
        column("status"),
        column("run_hash"),
        column("figures", JSON),
    )
)


def search_briefs(*, session: Session, entry_ids: list[str]) -> dict[str, BriefRow]:
    """Briefs of the given active entries (unknown or retired ids are left out)."""
    if not entry_ids:
        return {}
    briefs: dict[str, BriefRow] = {}
    fixes: dict[tuple[str, str], FixRow] = {}
    for entry_id, title, cause, origin, status, slug, fix_title, explanation in session.execute(
        _ENTRIES_AND_FIXES, {"ids": list(entry_ids)}
    ):
        if status != "active":
            continue
        brief = briefs.get(entry_id) or briefs.setdefault(
            entry_id, BriefRow(entry_id, title, cause, origin)
        )
        if slug is not None:
            fixes[(entry_id, slug)] = fix = FixRow(slug, fix_title, explanation or "")
            brief.fixes.append(fix)
    if not briefs:
        return {}
    for entry_id, fix_slug, slug, code, code_hash, status, run_hash, figures in session.execute(
        _SNIPPETS_AND_RUNS, {"ids": list(briefs)}
    ):
        fix_row = fixes.get((entry_id, fix_slug))
        if fix_row is not None:
            fix_row.snippets.append(
                SnippetRow(
                    slug=slug,
                    code=code,
                    status=status or "unverified",
                    stale=bool(status and run_hash != code_hash),
                    figures=figures if status else {},
                )
            )
    return briefs
