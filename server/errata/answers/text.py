"""A search answer as the text an agent reads: compact JSON or Markdown."""

from __future__ import annotations

import json

from pydantic import BaseModel

from .shape import BriefAnswer, BriefMatch, Format, FullAnswer, verification_line


def as_text(answer: BaseModel, fmt: Format = "json") -> str:
    """The answer as compact JSON (no indentation) or as Markdown."""
    if fmt == "markdown" and isinstance(answer, (BriefAnswer, FullAnswer)):
        return markdown(answer)
    return json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def _fence(code: str, language: str) -> list[str]:
    fence = "````" if "```" in code else "```"
    return [f"{fence}{language}", code.rstrip("\n"), fence]


def _brief_match(match: BriefMatch) -> list[str]:
    lines = [f"## {match.id}: {match.title}", "", f"**Root cause.** {match.root_cause}", ""]
    fix = match.recommended_fix
    if fix is not None:
        lines += [f"### Recommended fix `{fix.id}`: {fix.title}", ""]
        if fix.language_note:
            lines += [f"> Note: {fix.language_note}.", ""]
        if fix.applies_when:
            lines += [f"Applies when: {fix.applies_when}", ""]
        if match.preference_reason:
            lines += [f"Why first: {match.preference_reason}", ""]
        lines += [fix.summary, "", f"Verification: {fix.verification}", ""]
        lines += [*_fence(fix.code, fix.language), ""]
    if match.other_fixes:
        lines += ["Other fixes (get_entry with fix_id):", *(f"- {f}" for f in match.other_fixes)]
        lines.append("")
    return lines


def _full_results(answer: FullAnswer) -> list[str]:
    lines: list[str] = []
    for r in answer.results:
        sure = "confident" if r.confident else "not confident"
        lines += [f"## {r.id}: {r.title} ({r.score:.2f}, {sure})", "", r.root_cause, ""]
        for fix in r.fixes:
            lines += [f"### Fix `{fix.id}`: {fix.title}", ""]
            if fix.language_note:
                lines += [f"> Note: {fix.language_note}.", ""]
            if fix.applies_when:
                lines += [f"Applies when: {fix.applies_when}", ""]
            lines += [fix.summary, "", f"Verification: {verification_line(fix)}", ""]
            lines += [*_fence(fix.code, fix.language), ""]
    return lines


def _differential(answer: BriefAnswer | FullAnswer) -> list[str]:
    if not answer.differential:
        return []
    lines = ["Differential: the message fits several causes; what confirms each:"]
    lines += [f"- `{c.entry}` {c.title}: {c.confirm}" for c in answer.differential]
    return [*lines, ""]


def markdown(answer: BriefAnswer | FullAnswer) -> str:
    """The answer as Markdown: the match in depth first, then one line per result."""
    lines = [f"# errata: {answer.status}", "", f"_{answer.notice}_", ""]
    if answer.trace_language:
        lines += [f"Trace language: {answer.trace_language}", ""]
    lines += _differential(answer)
    if isinstance(answer, BriefAnswer):
        if answer.answer is not None:
            lines += _brief_match(answer.answer)
        label = "Results" if answer.status == "matched" else "Closest entries"
        lines += [f"{label}:"]
        for r in answer.results:
            why = f" ({r.why})" if r.why else ""
            sure = "confident" if r.confident else "not confident"
            lines.append(f"- `{r.id}` {r.title}: {r.score:.2f} {sure}{why}")
        lines.append("")
    else:
        lines += _full_results(answer)
    lines.append(f"Next step: {answer.next_step}")
    return "\n".join(lines) + "\n"
