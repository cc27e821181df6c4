"""What a contributor sends, and its validation into an `EntryDraft` with field-level messages.

Every interface (the form, `POST /api/submissions`, the MCP tool `submit_entry`) hands a
`SubmissionIn` to `to_draft`, so they all give the same messages for the same mistakes.
Nothing here runs the contributed code: Python snippets are only compiled, for syntax.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..entry_files import _explain, _field_path
from ..schema.drafts import EntryDraft, FixDraft, SnippetDraft

MAX_SYMPTOMS = 20
MAX_FIXES = 10
RUN_LANGUAGES = ("python", "javascript", "typescript")  # what the sandbox runs
_ALIASES = {"py": "python", "js": "javascript", "node": "javascript", "ts": "typescript"}
_EXTENSIONS = {"python": "py", "javascript": "mjs", "typescript": "mts"}
_SLUG_CLEAN = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"^[a-z0-9][a-z0-9+#.\-]*$")


def _untitled(schema: dict[str, Any]) -> None:
    """Drop the titles pydantic derives from field names: they repeat the name in every tool
    listing an MCP client loads."""
    for spec in schema.get("properties", {}).values():
        spec.pop("title", None)


class FixIn(BaseModel):
    """One fix as a contributor gives it: a title, why it works, its code and an optional check."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_untitled)
    title: str = Field(default="", max_length=300)
    applies_when: str = Field(default="", max_length=300)  # one line: the situation it is for
    explanation: str = Field(default="", max_length=20_000)
    code: str = Field(default="", max_length=100_000)
    check: str = Field(default="", max_length=100_000)
    language: str = Field(default="python", max_length=40)  # others are kept, not run


class SubmissionIn(BaseModel):
    """A contributed entry: symptoms, root cause, fixes (best first) with code, and where it
    comes from."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_untitled)
    title: str = Field(default="", max_length=300)
    entry_id: str = Field(default="", max_length=80)  # empty: made from the title
    symptoms: list[str] = Field(default_factory=list, max_length=MAX_SYMPTOMS)
    root_cause: str = Field(default="", max_length=20_000)
    fixes: list[FixIn] = Field(default_factory=list, max_length=MAX_FIXES)  # best first
    preference_reason: str = Field(default="", max_length=1_000)  # why the first comes first
    distinguish: str = Field(default="", max_length=300)  # what confirms this cause
    languages: list[str] = Field(default_factory=list, max_length=20)
    tags: list[str] = Field(default_factory=list, max_length=20)
    environment: list[str] = Field(default_factory=list, max_length=20)
    source: str = Field(default="", max_length=2_000)
    contact: str = Field(default="", max_length=300)


class SubmissionInvalid(ValueError):
    """A submission with mistakes: `errors` maps a field ("fixes[0].code") to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def slugify(title: str) -> str:
    """An entry id made from a title: lowercase words joined by dashes, at most 60 chars."""
    slug = _SLUG_CLEAN.sub("-", title.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0] if "-" in slug[:60] else slug[:60]
    return slug.strip("-")


def parse_input(data: Any) -> SubmissionIn:
    """Validate the raw shape (types, lengths, unknown fields) of a submission."""
    try:
        return SubmissionIn.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            errors.setdefault(_field_path(tuple(error["loc"])) or "body", _explain(dict(error)))
        raise SubmissionInvalid(errors) from exc


def _syntax_error(code: str) -> str | None:
    try:
        compile(code, "snippet.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f" on line {exc.lineno}" if exc.lineno else ""
        return f"Python syntax error{where}: {exc.msg}"
    except ValueError as exc:
        return f"not valid Python source: {exc}"
    return None


def _words(values: list[str], field: str, errors: dict[str, str]) -> list[str]:
    words: list[str] = []
    for value in values:
        for word in (w.strip().lower() for w in value.split(",")):
            if not word:
                continue
            if not _WORD.match(word) or len(word) > 40:
                errors[field] = f"{word[:40]!r} is not a plain word (letters, digits, - . + #)"
            elif word not in words:
                words.append(word)
    return words


def _check_text(sub: SubmissionIn, errors: dict[str, str]) -> None:
    if len(sub.title.strip()) < 5:
        errors["title"] = "give a title of at least 5 characters"
    elif not slugify(sub.title):
        errors["title"] = "the title needs some letters or digits"
    if not [s for s in sub.symptoms if s.strip()]:
        errors["symptoms"] = "add at least one symptom: an error message, log line or behaviour"
    for i, symptom in enumerate(sub.symptoms):
        if len(symptom) > 2_000:
            errors[f"symptoms[{i}]"] = "a symptom is at most 2,000 characters"
    if not sub.root_cause.strip():
        errors["root_cause"] = "explain the root cause"
    if not sub.source.strip():
        errors["source"] = "say where this comes from: a URL, an article, or 'own experience'"
    for i, line in enumerate(sub.environment):
        if len(line) > 300:
            errors[f"environment[{i}]"] = "an environment line is at most 300 characters"


def normalize_language(language: str) -> str:
    """A fix's language in lower case ('js' -> javascript...; empty -> python)."""
    key = language.strip().lower() or "python"
    return _ALIASES.get(key, key)


def check_fix(fix: FixIn, prefix: str, errors: dict[str, str]) -> None:
    """The mistakes of one fix, keyed `{prefix}code`...: Python is compiled for syntax; code in
    a language the sandbox does not run is kept as it is, and may not come with a check."""
    language = normalize_language(fix.language)
    if not _WORD.match(language):
        errors[f"{prefix}language"] = f"{language[:40]!r} is not a language name"
    if not fix.code.strip():
        errors[f"{prefix}code"] = "paste the fix's code"
    elif language == "python" and (problem := _syntax_error(fix.code)):
        errors[f"{prefix}code"] = problem
    if not fix.check.strip():
        return
    if language not in RUN_LANGUAGES:
        errors[f"{prefix}check"] = (
            f"{language} code is not run here, so a check cannot pass: leave it empty"
        )
    elif language == "python" and (problem := _syntax_error(fix.check)):
        errors[f"{prefix}check"] = problem


def _check_fixes(sub: SubmissionIn, errors: dict[str, str]) -> None:
    if not sub.fixes:
        errors["fixes"] = "add at least one fix with its code"
    for i, fix in enumerate(sub.fixes):
        check_fix(fix, f"fixes[{i}].", errors)


def _check_entry_id(entry_id: str, errors: dict[str, str]) -> None:
    """A chosen id is a slug as `slugify` makes them (so at most 60 characters)."""
    if entry_id and entry_id != slugify(entry_id):
        errors["entry_id"] = (
            "use at most 60 lowercase letters and digits in words joined by single dashes, "
            "like counter-loses-increments"
        )


_UNSTORABLE = re.compile("[\x00\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _what(char: str) -> str:
    if char == "\x00":
        return "a NUL character"
    if "\ud800" <= char <= "\udfff":
        return "a lone surrogate (not UTF-8)"
    return (
        f"a bidirectional control character (U+{ord(char):04X}): shown text would not be what runs"
    )


def _check_chars(data: Any, path: str, errors: dict[str, str]) -> None:
    """NUL characters and lone surrogates cannot be stored as text, and are never meant;
    bidirectional overrides make a title or code read differently from what it is."""
    if isinstance(data, str) and (found := _UNSTORABLE.search(data)):
        errors[path or "body"] = f"contains {_what(found.group())}"
    elif isinstance(data, list):
        for i, item in enumerate(data):
            _check_chars(item, f"{path}[{i}]", errors)
    elif isinstance(data, dict):
        for key, item in data.items():
            _check_chars(item, f"{path}.{key}" if path else key, errors)


def _fix_draft(i: int, fix: FixIn) -> FixDraft:
    check = fix.check.strip()
    language = normalize_language(fix.language)
    extension = _EXTENSIONS.get(language, "txt")
    snippet = SnippetDraft(
        id=f"fix-{i + 1}-code",
        file=f"fix_{i + 1}.{extension}",
        code=fix.code.rstrip() + "\n",
        check_file=f"checks/fix_{i + 1}.{extension}" if check else None,
        check_code=fix.check.rstrip() + "\n" if check else None,
        language=language,
    )
    return FixDraft(
        id=f"fix-{i + 1}",
        title=fix.title.strip() or f"Fix {i + 1}",
        applies_when=" ".join(fix.applies_when.split()),
        explanation=fix.explanation.strip(),
        snippets=[snippet],
    )


def to_draft(sub: SubmissionIn, entry_id: str | None = None) -> EntryDraft:
    """Check a submission and build its entry draft; raise SubmissionInvalid with every mistake."""
    errors: dict[str, str] = {}
    _check_text(sub, errors)
    _check_fixes(sub, errors)
    _check_entry_id(sub.entry_id.strip(), errors)
    _check_chars(sub.model_dump(), "", errors)  # last: its message wins over a syntax error
    languages = _words(sub.languages, "languages", errors) or ["python"]
    tags = _words(sub.tags, "tags", errors)
    if errors:
        raise SubmissionInvalid(errors)
    try:
        return EntryDraft(
            id=entry_id or sub.entry_id.strip() or slugify(sub.title),
            title=sub.title.strip(),
            tags=tags,
            languages=languages,
            symptoms=[s.strip() for s in sub.symptoms if s.strip()],
            root_cause=sub.root_cause.strip(),
            fixes=[_fix_draft(i, fix) for i, fix in enumerate(sub.fixes)],
            preference=[f"fix-{i + 1}" for i in range(len(sub.fixes))],
            preference_reason=sub.preference_reason.strip(),
            distinguish=" ".join(sub.distinguish.split()),
            environment=[line.strip() for line in sub.environment if line.strip()],
            source=sub.source.strip(),
            origin="contributed",
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SubmissionInvalid({_field_path(tuple(first["loc"])): _explain(dict(first))}) from exc
