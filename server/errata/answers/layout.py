"""Which snippets of a fix a page shows first: a published snippet that a passing correction
replaces moves one level down, so no page shows a failed label beside code that passed."""

from __future__ import annotations

from ..public import FixPublic, SnippetPublic


def _passes(snippet: SnippetPublic) -> bool:
    return snippet.verification.status == "passed" and not snippet.verification.stale


def superseded(fix: FixPublic) -> set[str]:
    """Ids of published snippets that a correction whose current code passed replaces."""
    return {
        s.corrects for s in fix.snippets if s.kind == "correction" and _passes(s) and s.corrects
    }


def shown_first(fix: FixPublic) -> tuple[list[SnippetPublic], list[SnippetPublic]]:
    """The snippets to show (a passing correction in its original's place), and the published
    ones it replaces, to show one level down with their failure."""
    replaced = superseded(fix)
    shown = [s for s in fix.snippets if s.id not in replaced]
    return shown, [s for s in fix.snippets if s.id in replaced]
