"""The public view of an entry: its rows, newest verification records and outcome counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, func, select

from ..models import Snippet, VerificationRun
from ..public import EntryPublic, FixPublic, SnippetPublic, TablePublic, VerificationPublic
from ..verdicts import Shown, best_shown, entry_shown, shown
from .entries import _active, _children, entry_fields
from .outcomes import outcome_counts


def latest_runs(
    *, session: Session, entry_ids: Iterable[str]
) -> dict[tuple[str, str], VerificationRun]:
    """The newest verification run of every snippet of the given entries."""
    ids = list(entry_ids)
    if not ids:
        return {}
    newest = (
        select(
            VerificationRun.entry_id,
            VerificationRun.snippet_slug,
            func.max(VerificationRun.id).label("run_id"),
        )
        .where(col(VerificationRun.entry_id).in_(ids))
        .group_by(VerificationRun.entry_id, VerificationRun.snippet_slug)
        .subquery()
    )
    runs = session.exec(
        select(VerificationRun).join(newest, col(VerificationRun.id) == newest.c.run_id)
    )
    return {(run.entry_id or "", run.snippet_slug): run for run in runs}


def run_fields(run: VerificationRun) -> dict[str, Any]:
    """The fields of a stored run that every public record of it carries."""
    return {
        "status": run.status,
        "error": run.error,
        "exit_code": run.exit_code,
        "duration_ms": run.duration_ms,
        "figures": run.figures,
        "python_version": run.python_version,
        "sandbox_version": run.sandbox_version,
        "code_hash": run.code_hash,
        "verified_at": run.created_at,
        "flags": run.flags,
        "source": run.source,
    }


def verification_of(
    snippet: Snippet, run: VerificationRun | None, origin: str
) -> VerificationPublic:
    """The public verification record of an entry's snippet given its newest run (if any)."""
    if run is None:
        return VerificationPublic(status="unverified", code_hash=snippet.code_hash)
    stale = run.code_hash != snippet.code_hash
    what = None if stale else shown(run.status, origin)  # an entry's code was read: reviewed
    return VerificationPublic(stale=stale, shown=what, **run_fields(run))


def _fix_shown(fix: FixPublic) -> Shown | None:
    """What a fix shows: the best any of its current snippets showed."""
    return best_shown(s.verification.shown for s in fix.snippets)


def _is_verified(fixes: list[FixPublic]) -> bool:
    """Every fix has at least one snippet whose current code passed."""
    return bool(fixes) and all(
        any(s.verification.status == "passed" and not s.verification.stale for s in fix.snippets)
        for fix in fixes
    )


def _snippet_public(
    snippet: Snippet, runs: dict[tuple[str, str], VerificationRun], origin: str
) -> SnippetPublic:
    return SnippetPublic(
        id=snippet.slug,
        file=snippet.file,
        language=snippet.language,
        kind=snippet.kind,
        corrects=snippet.corrects,
        note=snippet.note,
        code=snippet.code,
        check_code=snippet.check_code,
        verification=verification_of(snippet, runs.get((snippet.entry_id, snippet.slug)), origin),
    )


def get_entry(*, session: Session, entry_id: str) -> EntryPublic | None:
    """A whole active entry with verification records and outcome counts; None if unknown."""
    entry = _active(session, entry_id)
    if entry is None:
        return None
    symptoms, fixes, snippets = _children(session, entry_id)
    runs = latest_runs(session=session, entry_ids=[entry_id])
    outcomes = outcome_counts(session=session, entry_id=entry_id).get(entry_id, {})
    fix_models = [
        FixPublic(
            id=fix.slug,
            title=fix.title,
            explanation=fix.explanation,
            applies_when=fix.applies_when,
            for_symptoms=fix.for_symptoms,
            outcomes=outcomes.get(fix.slug, {}),
            snippets=[
                _snippet_public(s, runs, entry.origin) for s in snippets if s.fix_slug == fix.slug
            ],
        )
        for fix in fixes
    ]
    return EntryPublic(
        **entry_fields(entry, symptoms),
        fixes=fix_models,
        tables=[TablePublic.model_validate(t) for t in entry.tables],
        verified=_is_verified(fix_models),
        shown=entry_shown(_fix_shown(fix) for fix in fix_models),
        updated_at=entry.updated_at,
    )
