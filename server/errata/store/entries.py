"""Queries on entries, their symptoms, fixes and snippets, and the index revision."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, delete, func, select

from ..models import (
    Entry,
    EntryDraft,
    Fix,
    FixDraft,
    IndexDocument,
    Meta,
    Snippet,
    SnippetDraft,
    Symptom,
    TableDraft,
    VerificationRun,
    draft_hash,
    snippet_hash,
    utcnow,
)
from ..public import EntryPage
from .browse import entry_summaries
from .meta import bump_counter
from .outcomes import MIN_CLIENTS, OUTCOME_REVISION_KEY, outcome_scores

REVISION_KEY = "index_revision"
# `changed_revision` (migration 2) is not on the Entry model: only these statements use it.
_MARK_CHANGED = text("UPDATE entry SET changed_revision = NULL WHERE id = :id")
_STAMP_CHANGED = text("UPDATE entry SET changed_revision = :r WHERE changed_revision IS NULL")
# No ORDER BY: with one, SQLite walks the whole primary key (400 ms at 1M entries) instead of
# the changed_revision index; the few rows are sorted here.
_CHANGED_SINCE = text("SELECT id, status FROM entry WHERE changed_revision > :since LIMIT :limit")


def bump_revision(*, session: Session) -> int:
    """Advance the shared index revision (in the caller's transaction) and return it; every
    entry changed in this transaction is stamped with it."""
    revision = bump_counter(session=session, key=REVISION_KEY)
    session.execute(_STAMP_CHANGED, {"r": revision})
    return revision


def changed_entries(
    *, session: Session, since: int, limit: int, min_clients: int = MIN_CLIENTS
) -> tuple[list[IndexDocument], list[str]] | None:
    """Entries changed after revision `since`: (documents of the active ones, ids of the
    retired ones); None when more than `limit` changed (a full rebuild is cheaper)."""
    rows = sorted(session.execute(_CHANGED_SINCE, {"since": since, "limit": limit + 1}).all())
    if len(rows) > limit:
        return None
    active = [entry_id for entry_id, status in rows if status == "active"]
    retired = [entry_id for entry_id, status in rows if status != "active"]
    return (_documents(session, active, min_clients) if active else []), retired


def get_revision(*, session: Session) -> int:
    """The current index revision: it changes whenever any entry does."""
    value = session.exec(select(Meta.value).where(Meta.key == REVISION_KEY)).first()
    return int(value or 0)


def get_revisions(*, session: Session) -> tuple[int, int]:
    """(index revision, outcome revision) in one query: what the search index polls."""
    rows = dict(
        session.exec(
            select(Meta.key, Meta.value).where(
                col(Meta.key).in_([REVISION_KEY, OUTCOME_REVISION_KEY])
            )
        ).all()
    )
    return int(rows.get(REVISION_KEY, 0)), int(rows.get(OUTCOME_REVISION_KEY, 0))


def entry_hashes(*, session: Session, from_files: bool | None = None) -> dict[str, str]:
    """Content hash of every active entry, optionally only those loaded from files."""
    query = select(Entry.id, Entry.content_hash).where(Entry.status == "active")
    if from_files is not None:
        query = query.where(Entry.from_files == from_files)
    return {entry_id: digest for entry_id, digest in session.exec(query)}


def _delete_children(session: Session, entry_id: str) -> None:
    for table in (Symptom, Snippet, Fix):
        session.exec(delete(table).where(col(table.entry_id) == entry_id))


def upsert_entry(*, session: Session, draft: EntryDraft, from_files: bool) -> None:
    """Insert or replace an entry and all its rows (verification runs are kept)."""
    now = utcnow()
    entry = session.get(Entry, draft.id) or Entry(
        id=draft.id, title=draft.title, content_hash="", created_at=now
    )
    entry.title = draft.title
    entry.tags, entry.languages, entry.frameworks = draft.tags, draft.languages, draft.frameworks
    entry.root_cause, entry.source = draft.root_cause, draft.source
    entry.tables = [table.model_dump() for table in draft.tables]
    entry.environment, entry.expected_savings = draft.environment, draft.expected_savings
    entry.origin, entry.status, entry.from_files = draft.origin, "active", from_files
    entry.preference, entry.preference_reason = draft.preference, draft.preference_reason
    entry.distinguish = draft.distinguish
    entry.content_hash, entry.updated_at = draft_hash(draft), now
    session.add(entry)
    _delete_children(session, draft.id)
    session.flush()
    session.execute(_MARK_CHANGED, {"id": draft.id})
    session.add_all(
        Symptom(entry_id=draft.id, position=i, text=text) for i, text in enumerate(draft.symptoms)
    )
    for i, fix in enumerate(draft.fixes):
        session.add(
            Fix(
                entry_id=draft.id,
                slug=fix.id,
                position=i,
                title=fix.title,
                explanation=fix.explanation,
                applies_when=fix.applies_when,
                for_symptoms=fix.for_symptoms,
            )
        )
        session.add_all(_snippet_row(draft.id, fix.id, j, s) for j, s in enumerate(fix.snippets))
    session.flush()


def _snippet_row(entry_id: str, fix_slug: str, position: int, snippet: SnippetDraft) -> Snippet:
    return Snippet(
        entry_id=entry_id,
        fix_slug=fix_slug,
        slug=snippet.id,
        position=position,
        file=snippet.file,
        code=snippet.code,
        check_file=snippet.check_file,
        check_code=snippet.check_code,
        language=snippet.language,
        kind=snippet.kind,
        corrects=snippet.corrects,
        note=snippet.note,
        code_hash=snippet_hash(snippet.code, snippet.check_code),
    )


def retire_entry(*, session: Session, entry_id: str) -> None:
    """Take an entry out of listings and search, keeping its history."""
    entry = session.get(Entry, entry_id)
    if entry is not None and entry.status != "retired":
        entry.status, entry.updated_at = "retired", utcnow()
        session.add(entry)
        session.flush()
        session.execute(_MARK_CHANGED, {"id": entry_id})


def _active(session: Session, entry_id: str) -> Entry | None:
    entry = session.get(Entry, entry_id)
    return entry if entry is not None and entry.status == "active" else None


def _children(session: Session, entry_id: str) -> tuple[list[Symptom], list[Fix], list[Snippet]]:
    symptoms = session.exec(
        select(Symptom).where(Symptom.entry_id == entry_id).order_by(col(Symptom.position))
    ).all()
    fixes = session.exec(
        select(Fix).where(Fix.entry_id == entry_id).order_by(col(Fix.position))
    ).all()
    snippets = session.exec(
        select(Snippet).where(Snippet.entry_id == entry_id).order_by(col(Snippet.position))
    ).all()
    return list(symptoms), list(fixes), list(snippets)


def entry_fields(entry: Entry, symptoms: list[Symptom]) -> dict[str, Any]:
    """The fields an entry row gives both its draft and its public form."""
    return {
        "id": entry.id,
        "title": entry.title,
        "tags": entry.tags,
        "languages": entry.languages,
        "frameworks": entry.frameworks,
        "symptoms": [s.text for s in symptoms],
        "root_cause": entry.root_cause,
        "environment": entry.environment,
        "source": entry.source,
        "expected_savings": entry.expected_savings,
        "origin": entry.origin,
        "preference": entry.preference,
        "preference_reason": entry.preference_reason,
        "distinguish": entry.distinguish,
    }


def get_entry_draft(*, session: Session, entry_id: str) -> EntryDraft | None:
    """An active entry as a draft again (for export); None when unknown or retired."""
    entry = _active(session, entry_id)
    if entry is None:
        return None
    symptoms, fixes, snippets = _children(session, entry_id)
    fix_drafts = [
        FixDraft(
            id=fix.slug,
            title=fix.title,
            explanation=fix.explanation,
            applies_when=fix.applies_when,
            for_symptoms=fix.for_symptoms,
            snippets=[_snippet_draft(s) for s in snippets if s.fix_slug == fix.slug],
        )
        for fix in fixes
    ]
    return EntryDraft(
        **entry_fields(entry, symptoms),
        fixes=fix_drafts,
        tables=[TableDraft.model_validate(t) for t in entry.tables],
    )


def _snippet_draft(snippet: Snippet) -> SnippetDraft:
    return SnippetDraft(
        id=snippet.slug,
        file=snippet.file,
        code=snippet.code,
        check_file=snippet.check_file,
        check_code=snippet.check_code,
        language=snippet.language,
        kind=snippet.kind,
        corrects=snippet.corrects,
        note=snippet.note,
    )


def list_entries(*, session: Session, limit: int, offset: int) -> EntryPage:
    """A page of active entries, by id."""
    total = session.exec(
        select(func.count()).select_from(Entry).where(Entry.status == "active")
    ).one()
    entries = session.exec(
        select(Entry)
        .where(Entry.status == "active")
        .order_by(col(Entry.id))
        .offset(offset)
        .limit(limit)
    ).all()
    items = entry_summaries(session, entries)
    return EntryPage(items=items, total=int(total), limit=limit, offset=offset)


def index_documents(*, session: Session, min_clients: int = MIN_CLIENTS) -> list[IndexDocument]:
    """Everything the search index needs of every active entry, in a few queries."""
    return _documents(session, None, min_clients)


def _documents(
    session: Session, entry_ids: list[str] | None, min_clients: int
) -> list[IndexDocument]:
    """Index documents of the given active entries (None: all), by id."""
    query = select(Entry).where(Entry.status == "active")
    symptom_query = (
        select(Symptom.entry_id, Symptom.text)
        .join(Entry, col(Entry.id) == col(Symptom.entry_id))
        .where(Entry.status == "active")
    )
    if entry_ids is not None:
        query = query.where(col(Entry.id).in_(entry_ids))
        symptom_query = symptom_query.where(col(Symptom.entry_id).in_(entry_ids))
    entries = session.exec(query.order_by(col(Entry.id))).all()
    symptoms: dict[str, list[str]] = defaultdict(list)
    rows = session.exec(symptom_query.order_by(col(Symptom.entry_id), col(Symptom.position)))
    for entry_id, text_ in rows:
        symptoms[entry_id].append(text_)
    scores = outcome_scores(session=session, min_clients=min_clients)
    verified = _verified_entries(session) if entry_ids is None else set()
    return [
        IndexDocument(
            id=e.id,
            title=e.title,
            symptoms=symptoms.get(e.id, []),
            languages=e.languages,
            frameworks=e.frameworks,
            tags=e.tags,
            origin=e.origin,
            verified=e.id in verified,  # (not read by the index: changed entries skip it)
            outcome_score=scores.get(e.id, 0.0),
        )
        for e in entries
    ]


def _verified_entries(session: Session) -> set[str]:
    """Entries with at least one snippet whose current code passed its check."""
    passed = session.exec(
        select(
            VerificationRun.entry_id, VerificationRun.snippet_slug, VerificationRun.code_hash
        ).where(VerificationRun.status == "passed")
    ).all()
    if not passed:
        return set()
    current = {
        (s_entry, slug): digest
        for s_entry, slug, digest in session.exec(
            select(Snippet.entry_id, Snippet.slug, Snippet.code_hash)
        )
    }
    return {
        entry_id or ""
        for entry_id, slug, digest in passed
        if current.get((entry_id or "", slug)) == digest
    }
