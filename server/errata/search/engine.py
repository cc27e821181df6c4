"""The search every interface calls: validate, normalize, rank, then read the few fixes."""

from __future__ import annotations

import re
from typing import Any

from .. import verdicts
from ..db import Database
from ..models import RunStatus
from ..public import SearchResponse
from ..store.briefs import BriefRow, FixRow, SnippetRow
from ..verdicts import Shown
from .index import SearchIndex
from .normalize import normalize
from .preference import in_preference
from .rank import Ranked, rank, undecided

MAX_QUERY_CHARS = 1_000_000
MAX_LIMIT = 50
SUMMARY_CHARS = 400


EMPTY_QUERY = "the query is empty: paste an error message, a trace or a sentence"


class SearchInputError(ValueError):
    """A query errata cannot search: empty, too long, or a bad limit."""


class SearchUnavailable(RuntimeError):
    """The search index is not ready (the process is still starting)."""


def _check(query: str, limit: int, max_chars: int) -> str:
    if not isinstance(query, str) or not query.strip():
        raise SearchInputError(EMPTY_QUERY)
    if len(query) > max_chars:
        raise SearchInputError(
            f"the query is {len(query):,} characters, over the limit of {max_chars:,}: "
            "send the exception line and the last frames of the trace"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchInputError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    return query


def _summary(text: str) -> str:
    first = text.strip().split("\n\n", 1)[0].strip()
    return first if len(first) <= SUMMARY_CHARS else first[: SUMMARY_CHARS - 1].rstrip() + "…"


CORRECTION_NOTE = "errata's correction of the published code"
CORRECTION_LABEL = f"{Shown.ERRATA_CHECK_PASSED} ({CORRECTION_NOTE})"
# A run imported from the records shipped with the entries (records.py), not run here.
RECORD_LABEL = "verified by errata's harness on {date} ({runtime})"


def record_runtime(snippet: SnippetRow) -> str:
    """The runtime a shipped record ran on: "Python 3.11.2", or for a JavaScript or TypeScript
    snippet the Node version its sandbox names ("bubblewrap 0.8.0, Node 26.10.0")."""
    if snippet.language == "python":
        return f"Python {snippet.python_version}"
    node = re.search(r"\bNode \S+", snippet.sandbox_version)
    return node.group(0) if node else snippet.sandbox_version or snippet.language


def shown_snippet(snippets: list[SnippetRow]) -> SnippetRow | None:
    """The snippet a fix shows: the first whose current code passed, else the first."""
    passed = [s for s in snippets if s.status == "passed" and not s.stale]
    ordered = passed or snippets
    return ordered[0] if ordered else None


def snippet_label(snippet: SnippetRow | None, origin: str) -> tuple[RunStatus, Shown | None, str]:
    """The status, what it showed and the label of the code shown: they describe that snippet,
    not its siblings (an entry's code was read by a maintainer: its flags withhold nothing)."""
    if snippet is None:
        return "unverified", None, "unverified (no code)"
    status: RunStatus = "unverified" if snippet.stale else snippet.status  # type: ignore[assignment]
    what = verdicts.shown(status, origin)
    if what is not None and snippet.source == "record":
        words = RECORD_LABEL.format(date=snippet.verified_on, runtime=record_runtime(snippet))
        note = f"; {CORRECTION_NOTE}" if snippet.kind == "correction" else ""
        return status, what, words + note
    words = verdicts.label(status, what)
    if what is not None and snippet.kind == "correction":
        words = f"{words} ({CORRECTION_NOTE})"
    return status, what, words


def _fix_fields(fix: FixRow, origin: str) -> dict[str, Any]:
    """A fix in one glance (public.FixBrief's fields, validated with the response): its
    best-verified snippet, labelled with that snippet's own run."""
    shown = shown_snippet(fix.snippets)
    status, what, label = snippet_label(shown, origin)
    verification: dict[str, Any] = {
        "status": status,
        "label": label,
        "shown": what,
        "passed": sum(1 for s in fix.snippets if s.status == "passed" and not s.stale),
        "total": len(fix.snippets),
    }
    fields: dict[str, Any] = {
        "id": fix.slug,
        "title": fix.title,
        "summary": _summary(fix.explanation),
    }
    if shown is not None:
        fields |= {"code": shown.code, "language": shown.language}
        verification |= {
            "python_version": shown.python_version,
            "verified_on": shown.verified_on,
            "figures": shown.figures,
        }
    else:
        fields["code"] = ""
    return fields | {"applies_when": fix.applies_when, "verification": verification}


def _result(entry: BriefRow, r: Ranked, shared: bool) -> dict[str, Any]:
    """A result's fields: the response validates every result and fix in one call (each
    model built from its dict as its constructor builds it, at about half the cost)."""
    fields, fix_fields = _shaped(entry)
    fixes = in_preference(entry.fixes, entry.preference, r.matched_symptom)
    return fields | {
        "score": r.score,
        "confident": r.confident,
        "matched_symptom": r.matched_symptom,
        "why": r.why,
        "fixes": [fix_fields[id(fix)] for fix in fixes],
        "shared": shared,
    }


def _shaped(entry: BriefRow) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """What a result shows of an entry whatever the query matched, and its fixes' fields (by
    fix object): built once per brief read (the brief cache shares briefs between searches;
    validation reads these dicts and never changes them)."""
    if entry.shaped is None:
        fields = {
            "id": entry.id,
            "title": entry.title,
            "root_cause": entry.root_cause,
            "origin": entry.origin,
            "verified": entry.verified,
            "shown": verdicts.entry_shown(_fix_shown(fix, entry.origin) for fix in entry.fixes),
            "preference_reason": entry.preference_reason,
            "distinguish": entry.distinguish,
        }
        entry.shaped = fields, {id(fix): _fix_fields(fix, entry.origin) for fix in entry.fixes}
    return entry.shaped


def _fix_shown(fix: FixRow, origin: str) -> Shown | None:
    """What a fix shows: the best any of its current snippets showed."""
    current = (verdicts.shown(s.status, origin) for s in fix.snippets if not s.stale)
    return verdicts.best_shown(current)


def search(
    index: SearchIndex,
    database: Database,
    query: str,
    *,
    limit: int = 5,
    language: str | None = None,
    max_chars: int = MAX_QUERY_CHARS,
) -> SearchResponse:
    """Match a raw trace, log excerpt or sentence; `matched` only when the first is confident."""
    _check(query, limit, max_chars)
    normalized = normalize(query)  # long inputs are cut to their key lines
    ranked = rank(index, normalized, limit=limit, language=(language or "").strip() or None)
    results: list[dict[str, Any]] = []
    if ranked:
        with database.lookup() as connection:  # short: the entries, and fixes not cached
            entries = index.briefs.briefs(connection, database, [r.id for r in ranked])
        for r, shared in zip(ranked, undecided(ranked), strict=True):
            entry = entries.get(r.id)
            if entry is not None:  # retired since the index was built
                results.append(_result(entry, r, shared))
    matched = bool(results) and results[0]["confident"]
    status = "matched" if matched else "no_match"
    return SearchResponse.model_validate(
        {"status": status, "query_normalized": normalized.text, "results": results}
    )


def format_response(response: SearchResponse) -> str:
    """The answer as text for people at a terminal."""
    if not response.results:
        return "no match: no entry covers this error"
    head = "matched" if response.status == "matched" else "no confident match; closest entries:"
    lines = [head]
    for r in response.results:
        mark = "confident" if r.confident else "not confident"
        lines.append(f"\n{r.score:.2f} ({mark})  {r.id}: {r.title}")
        lines.append(f"  matched symptom: {r.matched_symptom}")
        lines.append(f"  why: {r.why}")
        for fix in r.fixes:
            v = fix.verification
            lines.append(f"  fix: {fix.title} [{v.label or v.status}, {v.passed}/{v.total}]")
    return "\n".join(lines)
