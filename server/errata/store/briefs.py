"""The few columns a search result shows, for several entries at once, in two queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col

from ..db import Reader
from ..models import Entry, Fix, Meta, Snippet, VerificationRun
from .cursor import CompiledRead, compile_read, fetch
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
    # what a search result shows of it whatever the match, once built (search/engine.py)
    shaped: Any = field(default=None, compare=False, repr=False)

    @property
    def verified(self) -> bool:
        """Every fix has at least one snippet whose current code passed."""
        return bool(self.fixes) and all(
            any(s.status == "passed" and not s.stale for s in fix.snippets) for fix in self.fixes
        )


Stamp = tuple[int | None, int | None]  # the entries' revision and the newest run's id


def entry_briefs(
    *, session: Session | Reader, entry_ids: list[str]
) -> tuple[Stamp, dict[str, BriefRow]]:
    """The given active entries' own fields (fixes not read yet), in one primary-key query that
    also reads what their fixes depend on: the entries' revision (bumped with every change of
    an entry, its fixes or snippets) and the newest run's id (runs are only ever added; the
    runs of older code are pruned when a new one is). Unknown or retired ids are left out."""
    if not entry_ids:
        return (None, None), {}
    # Status is checked here, not in SQL: `status = 'active'` would lead SQLite to scan the
    # status index (every active entry) instead of looking the few ids up by primary key.
    rows = _execute(session, _ENTRIES, entry_ids)
    stamp: Stamp = (rows[0][8], rows[0][9]) if rows else (None, None)
    return stamp, {row[0]: BriefRow(*row[:7]) for row in rows if row[7] == "active"}


def add_fixes(*, session: Session | Reader, briefs: dict[str, BriefRow]) -> None:
    """Read the fixes of the given briefs, each with its snippets and their newest runs, in one
    indexed query of only the columns a result shows (no ORM objects, no run output)."""
    if not briefs:
        return
    fixes: dict[tuple[str, str], FixRow] = {}
    for entry_id, *fields in _execute(session, _FIXES, list(briefs)):
        _add_fix(briefs[entry_id], fixes, fields)


def briefs_with_fixes(
    *, session: Session | Reader, entry_ids: list[str]
) -> tuple[Stamp, dict[str, BriefRow]]:
    """`entry_briefs` and `add_fixes` in one statement (one round trip), for a search whose
    fixes are not all cached: each entry's fields and stamp beside each fix row of it."""
    if not entry_ids:
        return (None, None), {}
    rows = _execute(session, _BRIEFS, entry_ids)
    stamp: Stamp = (rows[0][8], rows[0][9]) if rows else (None, None)
    briefs: dict[str, BriefRow] = {}
    fixes: dict[tuple[str, str], FixRow] = {}
    for row in rows:
        if row[7] != "active":
            continue
        brief = briefs.get(row[0])
        if brief is None:
            brief = briefs[row[0]] = BriefRow(*row[:7])
        if row[11] is not None:  # an entry with no fix has one row of NULLs
            _add_fix(brief, fixes, row[11:])
    return stamp, briefs


def briefs_stamp(*, session: Session | Reader) -> Stamp:
    """What the briefs depend on, alone (`entry_briefs`' stamp): the entries' revision and the
    newest run's id, in one statement of two indexed look-ups."""
    connection = _connection(session)
    row = fetch(connection, _compiled(_STAMPS, 0, connection.dialect), {})[0]
    return row[0], row[1]


def _add_fix(brief: BriefRow, fixes: dict[tuple[str, str], FixRow], fields: Any) -> None:
    """One row of a fix (its slug, fields, then a snippet and its newest run, or NULLs)."""
    fix = fixes.get((brief.id, fields[0]))
    if fix is None:
        fix = fixes[(brief.id, fields[0])] = FixRow(fields[0], *fields[1:5])
        brief.fixes.append(fix)
    if fields[5] is not None:  # a fix with no snippet has one row of NULLs
        fix.snippets.append(_snippet_row(*fields[5:]))


def _connection(source: Session | Reader) -> Reader:
    """A search reads through a plain connection (Database.lookup); others through a session."""
    return source.connection() if isinstance(source, Session) else source


def search_briefs(*, session: Session, entry_ids: list[str]) -> dict[str, BriefRow]:
    """Briefs of the given active entries (unknown or retired ids are left out): two queries
    whatever the size of the database."""
    _, briefs = entry_briefs(session=session, entry_ids=entry_ids)
    add_fixes(session=session, briefs=briefs)
    return briefs


_ENTRY: tuple[Any, ...] = (
    Entry.id, Entry.title, Entry.root_cause, Entry.origin, Entry.preference,
    Entry.preference_reason, Entry.distinguish, Entry.status,
)  # fmt: skip
_FIX: tuple[Any, ...] = (
    Fix.entry_id, Fix.slug, Fix.title, Fix.explanation, Fix.applies_when, Fix.for_symptoms,
)  # fmt: skip
_SNIPPET: tuple[Any, ...] = (
    Snippet.slug, Snippet.code, Snippet.language, Snippet.kind, Snippet.corrects,
    Snippet.code_hash,
)  # fmt: skip
_RUN: tuple[Any, ...] = (
    VerificationRun.status, VerificationRun.code_hash, VerificationRun.figures,
    VerificationRun.python_version, VerificationRun.created_at, VerificationRun.source,
    VerificationRun.sandbox_version,
)  # fmt: skip
_IDS: Any = bindparam("ids", expanding=True)  # built once: a search only binds its entry ids
ID_SIZES = (8, 16, 32, 64)  # a page of ids is padded to one of these: one statement each


def _execute(source: Session | Reader, kind: str, ids: list[str]) -> list[Any]:
    """The rows of `kind`'s statement for these ids. Up to the largest of ID_SIZES ids, the
    list is padded with its last id (IN ignores repeats) to bind one parameter per id of a
    statement compiled once per dialect and run on the driver's cursor (cursor.py); an
    expanding IN is rendered again at every execution."""
    connection = _connection(source)
    size = next((n for n in ID_SIZES if n >= len(ids)), 0)
    if not ids or not size:
        return list(connection.execute(_statement(kind, 0), {"ids": ids}))
    padded = ids + [ids[-1]] * (size - len(ids))
    read = _compiled(kind, size, connection.dialect)
    return fetch(connection, read, {f"id{k}": value for k, value in enumerate(padded)})


@lru_cache(maxsize=64)
def _compiled(kind: str, size: int, dialect: Dialect) -> CompiledRead:
    return compile_read(_statement(kind, size), dialect)


@lru_cache(maxsize=16)
def _statement(kind: str, size: int) -> Any:
    """The entries' (`_ENTRIES`) or fixes' (`_FIXES`) statement, for `size` ids or any (0)."""
    ids = [bindparam(f"id{k}") for k in range(size)] if size else _IDS
    if kind == _STAMPS:
        return select(*_STAMP)
    if kind == _BRIEFS:
        return _joined_fixes(select(*_ENTRY, *_STAMP, *_FIX, *_SNIPPET, *_RUN), ids, Entry.id)
    return _entries(ids) if kind == _ENTRIES else _fixes(ids)


def _fixes(ids: Any) -> Any:
    """Each fix with each of its snippets (or one row of NULLs) and the snippet's newest run
    (the highest run id of its entry and slug), fixes and snippets in their order."""
    return _joined_fixes(select(*_FIX, *_SNIPPET, *_RUN), ids, Fix.entry_id)


def _joined_fixes(columns: Any, ids: Any, key: Any) -> Any:
    """`columns` from the fixes (or, by `Entry.id`, the entries and their fixes) of the given
    ids, each fix with each snippet and its newest run (the highest run id of its entry and
    slug, read from the runs index per snippet). Every join starts from the given
    entries' ids (indexed), whatever the size of the runs table."""
    newest = (
        select(func.max(VerificationRun.id))
        .where(col(VerificationRun.entry_id) == col(Snippet.entry_id))
        .where(col(VerificationRun.snippet_slug) == col(Snippet.slug))
        .correlate(Snippet)
        .scalar_subquery()
    )
    owned = (col(Snippet.entry_id) == col(Fix.entry_id)) & (col(Snippet.fix_slug) == col(Fix.slug))
    if key is Entry.id:
        columns = columns.select_from(Entry).outerjoin(Fix, col(Fix.entry_id) == col(Entry.id))
    return (
        columns.outerjoin(Snippet, owned)
        .outerjoin(VerificationRun, col(VerificationRun.id) == newest)
        .where(col(key).in_(ids))
        .order_by(col(Fix.position), col(Fix.id), col(Snippet.position), col(Snippet.id))
    )


_STAMP: tuple[Any, ...] = (
    select(col(Meta.value)).where(col(Meta.key) == REVISION_KEY).scalar_subquery(),
    select(func.max(VerificationRun.id)).scalar_subquery(),
)
_ENTRIES, _FIXES, _BRIEFS, _STAMPS = "entries", "fixes", "briefs", "stamps"


def _entries(ids: Any) -> Any:
    return select(*_ENTRY, *_STAMP).where(col(Entry.id).in_(ids))


def _snippet_row(
    slug: str, code: str, language: str, kind: str, corrects: str | None, code_hash: str,
    *run: Any,
) -> SnippetRow:  # fmt: skip
    """A snippet as a result shows it; `run` is its newest run's `_RUN` columns (all None when
    it never ran)."""
    status, run_hash, figures, python_version, created_at, source, sandbox_version = run
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
        sandbox_version=sandbox_version,
        verified_on=created_at.date().isoformat() if created_at else "",
        source=source,
    )
