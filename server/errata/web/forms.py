"""The contributor form <-> a `SubmissionIn`: repeated rows in, the same rows back out.

The form works without JavaScript: "add a symptom" and "add a fix" are submit buttons that
come back with one more row; each row's remove button comes back without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

HONEYPOT_FIELD = "website"
MIN_SYMPTOM_ROWS = 2
FIX_PARTS = ("title", "applies_when", "explanation", "language", "code", "check", "trial")
FIX_LANGUAGES = (
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("go", "Go (not run)"),
    ("rust", "Rust (not run)"),
    ("java", "Java (not run)"),
    ("ruby", "Ruby (not run)"),
    ("shell", "Shell (not run)"),
    ("sql", "SQL (not run)"),
    ("other", "Other (not run)"),
)


@dataclass
class FormState:
    """What the form shows: every field as the contributor typed it."""

    title: str = ""
    entry_id: str = ""
    symptoms: list[str] = field(default_factory=lambda: [""] * MIN_SYMPTOM_ROWS)
    root_cause: str = ""
    fixes: list[dict[str, str]] = field(default_factory=lambda: [_blank_fix()])
    preference_reason: str = ""
    distinguish: str = ""
    languages: str = "python"
    tags: str = ""
    environment: str = ""
    source: str = ""
    contact: str = ""


def _blank_fix() -> dict[str, str]:
    return {key: "python" if key == "language" else "" for key in FIX_PARTS}


def _text(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _texts(form: Any, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def read_form(form: Any) -> FormState:
    """The form state a POST carries (a Starlette FormData; rows zipped back in order)."""
    columns = [_texts(form, f"fix_{part}") for part in FIX_PARTS]
    fixes = [dict(zip(FIX_PARTS, row, strict=True)) for row in zip_longest(*columns, fillvalue="")]
    return FormState(
        title=_text(form, "title"),
        entry_id=_text(form, "entry_id"),
        symptoms=_texts(form, "symptoms"),
        root_cause=_text(form, "root_cause"),
        fixes=fixes,
        preference_reason=_text(form, "preference_reason"),
        distinguish=_text(form, "distinguish"),
        languages=_text(form, "languages"),
        tags=_text(form, "tags"),
        environment=_text(form, "environment"),
        source=_text(form, "source"),
        contact=_text(form, "contact"),
    )


def apply_action(state: FormState, action: str) -> bool:
    """Add or remove a row as the button named; False when `action` is no such button."""
    kind, _, position = action.partition(":")
    if kind == "add-symptom":
        state.symptoms.append("")
    elif kind == "add-fix":
        state.fixes.append(_blank_fix())
    elif kind in ("remove-symptom", "remove-fix") and position.isdigit():
        rows: list[Any] = state.symptoms if kind == "remove-symptom" else state.fixes
        if int(position) < len(rows):
            rows.pop(int(position))
    else:
        return False
    if not state.symptoms:
        state.symptoms.append("")
    if not state.fixes:
        state.fixes.append(_blank_fix())
    return True


def to_input_data(state: FormState) -> dict[str, Any]:
    """The data of a `SubmissionIn` (validated by `contribution.parse_input`)."""
    return {
        "title": state.title,
        "entry_id": state.entry_id,
        "symptoms": state.symptoms,
        "root_cause": state.root_cause,
        "fixes": [fix_input(fix) for fix in state.fixes],
        "preference_reason": state.preference_reason,
        "distinguish": state.distinguish,
        "languages": [state.languages],
        "tags": [state.tags],
        "environment": [line for line in state.environment.splitlines() if line.strip()],
        "source": state.source,
        "contact": state.contact,
    }


def fix_input(fix: dict[str, str]) -> dict[str, str]:
    """A form row as a `FixIn`'s data (the trial id it may carry stays with the form)."""
    return {key: value for key, value in fix.items() if key != "trial"}


def trial_position(action: str, state: FormState) -> int | None:
    """The fix a "run in sandbox" button names (`trial:N`); None for any other button."""
    kind, _, position = action.partition(":")
    if kind != "trial" or not position.isdigit() or int(position) >= len(state.fixes):
        return None
    return int(position)
