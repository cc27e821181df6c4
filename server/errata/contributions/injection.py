"""Injection-like text in a contribution, flagged for the moderator (never auto-refused).

Entries are read by coding agents, so a contribution can try to steer them: prose that
addresses the agent ("ignore previous instructions"), or a command that runs whatever a URL
serves (`curl https://... | sh`). These are flagged on the submission and moderation pages
so the moderator judges them; the text itself is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import EntryDraft

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "addresses the reading agent (prompt injection)",
        re.compile(
            r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+)?"
            r"(previous|prior|above|earlier|system|your)\s+(instructions|prompts?|rules)\b"
            r"|\byou\s+are\s+now\b|\bsystem\s+prompt\b|\bnew\s+instructions\s*:",
            re.IGNORECASE,
        ),
    ),
    (
        "runs what a URL serves (download piped to a shell or interpreter)",
        re.compile(
            r"\b(curl|wget|iwr|invoke-webrequest)\b[^\n|]{0,300}\|\s*(sudo\s+)?"
            r"(ba|z|k|da)?sh\b|\b(curl|wget)\b[^\n|]{0,300}\|\s*(sudo\s+)?(python3?|perl|ruby|node)\b"
            r"|\b(ba)?sh\s+<\(\s*(curl|wget)\b|base64\s+(-d|--decode)[^\n|]{0,100}\|\s*(ba)?sh\b",
            re.IGNORECASE,
        ),
    ),
)


def _texts(draft: EntryDraft) -> Iterator[tuple[str, str]]:
    yield "title", draft.title
    yield "root cause", draft.root_cause
    yield "source", draft.source
    yield "preference reason", draft.preference_reason
    yield "distinguish", draft.distinguish
    for symptom in draft.symptoms:
        yield "symptom", symptom
    for item in draft.environment:
        yield "environment", item
    for fix in draft.fixes:
        yield f"fix {fix.id}", f"{fix.title}\n{fix.applies_when}\n{fix.explanation}"
        for snippet in fix.snippets:
            yield f"snippet {snippet.id}", f"{snippet.code}\n{snippet.check_code or ''}"


def injection_flags(draft: EntryDraft) -> list[str]:
    """One line per suspicious finding: where it is, what it looks like, and the text."""
    flags = []
    for where, text in _texts(draft):
        for label, pattern in _PATTERNS:
            match = pattern.search(text[:200_000])
            if match:
                flags.append(f"{where}: {label}: {match.group(0)[:120]!r}")
    return flags
