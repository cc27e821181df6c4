"""An entry as Markdown, for the MCP resource `errata://entries/{id}`: provenance first."""

from __future__ import annotations

import json
import re

from ..answers.layout import shown_first
from ..public import EntryPublic, FixPublic, SnippetPublic
from ..search.engine import CORRECTION_NOTE
from ..verdicts import label
from .results import NOTICE, provenance


def fence(text: str, info: str = "") -> list[str]:
    """`text` as a fenced block whose fence is longer than any backtick run inside it, so the
    text cannot close it (CommonMark: a closing fence is at least as long as the opening)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marker = "`" * max(3, longest + 1)
    return [f"{marker}{info}", text.rstrip("\n"), marker]


def _inline(text: str) -> str:
    """`text` as one line of inline code that its own backticks cannot end."""
    text = " ".join(text.split())
    marker = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    return f"{marker} {text} {marker}"


def _front_matter(entry: EntryPublic) -> list[str]:
    """Provenance as fields before anything the entry's author wrote: text inside the entry
    cannot imitate them (front matter exists only at the very start of the document)."""
    return [
        "---",
        f"errata_entry: {json.dumps(entry.id)}",
        f"origin: {json.dumps(entry.origin)}",
        f"verified: {json.dumps(entry.verified)}",
        f"shown: {json.dumps(entry.shown)}",
        f"provenance: {json.dumps(provenance(entry.origin, entry.shown))}",
        f"notice: {json.dumps(NOTICE)}",
        "---",
    ]


def _prose(entry: EntryPublic, text: str) -> list[str]:
    """Curated prose as Markdown; contributed prose fenced as data, never as the document."""
    return [text] if entry.origin == "curated" else fence(text, "text")


def entry_markdown(entry: EntryPublic) -> str:
    """An entry as Markdown: provenance fields first, then symptoms, root cause, every fix."""
    lines = [
        *_front_matter(entry),
        "",
        f"# {' '.join(entry.title.split())}",
        "",
        "## Symptoms",
        "",
        *(f"- {_inline(s)}" for s in entry.symptoms),
        "",
        "## Root cause",
        "",
        *_prose(entry, entry.root_cause),
        "",
    ]
    if entry.distinguish:
        lines += [f"What confirms this cause: {_line(entry, entry.distinguish)}", ""]
    if entry.preference_reason and len(entry.fixes) > 1:
        order = ", ".join(f"`{fix_id}`" for fix_id in entry.preference)
        lines += [f"Order of preference: {order}. {_line(entry, entry.preference_reason)}", ""]
    for fix in entry.fixes:
        lines += _fix_lines(entry, fix)
    lines += _tables(entry)
    if entry.environment:
        lines += ["## Environment", "", *(f"- {_inline(item)}" for item in entry.environment), ""]
    lines += ["## Source", "", *_prose(entry, entry.source), ""]
    return "\n".join(lines)


def _line(entry: EntryPublic, text: str) -> str:
    """One line of an entry's prose: curated as written, contributed as inline code."""
    return " ".join(text.split()) if entry.origin == "curated" else _inline(text)


def _snippet_lines(snippet: SnippetPublic, failure: bool = False) -> list[str]:
    v = snippet.verification
    state = f"{label(v.status, v.shown)}{' (stale: code changed since)' if v.stale else ''}"
    if snippet.kind == "correction" and v.shown is not None and not v.stale:
        state = f"{state} ({CORRECTION_NOTE})"
    lines = [f"`{snippet.file}` ({snippet.kind}), verification: {state}", ""]
    if failure and v.error:
        lines += [f"Failure: {_inline(v.error)}", ""]
    return [*lines, *fence(snippet.code, snippet.language), ""]


def _fix_lines(entry: EntryPublic, fix: FixPublic) -> list[str]:
    """A fix: when it applies, its prose, the code to use; published code that a passing
    correction replaces comes one level down, with its failure."""
    title = " ".join(fix.title.split())
    lines = [f"## Fix `{fix.id}`: {title}", ""]
    if fix.applies_when:
        lines += [f"Applies when: {_line(entry, fix.applies_when)}", ""]
    lines += [*_prose(entry, fix.explanation), ""]
    shown, replaced = shown_first(fix)
    for snippet in shown:
        lines += _snippet_lines(snippet)
    if replaced:
        lines += ["### The published code, and why it failed", ""]
    for snippet in replaced:
        lines += _snippet_lines(snippet, failure=True)
    return lines


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _tables(entry: EntryPublic) -> list[str]:
    lines: list[str] = []
    for table in entry.tables:
        lines += [
            f"## {_cell(table.title)}",
            "",
            "| " + " | ".join(map(_cell, table.columns)) + " |",
        ]
        lines.append("|" + "---|" * len(table.columns))
        lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in table.rows]
        lines.append("")
    return lines
