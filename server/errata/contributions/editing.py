"""A maintainer's corrections to a submission before approving it, recorded in its history.

Only words change: the title, tags, symptoms, root cause, each fix's title, situation and
explanation, and the entry's other text. Code and checks stay as they were verified (a
changed snippet would need a new run). Each edit appends `{at, by, fields, before}` to the
submission's history, so what the contributor sent can always be told from what was approved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import store
from ..entry_files import _explain, _field_path
from ..models import EntryDraft, Submission, utcnow
from .submission import MAX_SYMPTOMS, SubmissionInvalid, _check_chars, _words

if TYPE_CHECKING:
    from ..services import Services

TEXT_FIELDS = ("title", "root_cause", "preference_reason", "distinguish", "source")
LIST_FIELDS = ("symptoms", "environment")
FIX_FIELDS = ("title", "applies_when", "explanation")


class SubmissionNotEditable(LookupError):
    """No open submission has this id (unknown, approved or rejected)."""


class FixEdit(BaseModel):
    """The words of one fix, in the submission's order."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=300)
    applies_when: str | None = Field(default=None, max_length=300)
    explanation: str | None = Field(default=None, max_length=20_000)


class DraftEdit(BaseModel):
    """What a maintainer corrects; a field left out (null) is kept as it is."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=300)
    tags: list[str] | None = Field(default=None, max_length=20)
    symptoms: list[str] | None = Field(default=None, max_length=MAX_SYMPTOMS)
    root_cause: str | None = Field(default=None, max_length=20_000)
    fixes: list[FixEdit] | None = Field(default=None, max_length=10)
    preference_reason: str | None = Field(default=None, max_length=1_000)
    distinguish: str | None = Field(default=None, max_length=300)
    environment: list[str] | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=2_000)


def _fixes(draft: EntryDraft, edits: list[FixEdit], errors: dict[str, str]) -> list[Any]:
    if len(edits) != len(draft.fixes):
        errors["fixes"] = f"give the words of all {len(draft.fixes)} fixes, in their order"
        return draft.fixes
    fixes = []
    for fix, edit in zip(draft.fixes, edits, strict=True):
        words = {k: v.strip() for k, v in edit.model_dump(exclude_none=True).items()}
        fixes.append(fix.model_copy(update=words))
    return fixes


def _updates(draft: EntryDraft, edit: DraftEdit) -> dict[str, Any]:
    errors: dict[str, str] = {}
    _check_chars(edit.model_dump(exclude_none=True), "", errors)
    updates: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if (value := getattr(edit, name)) is not None:
            updates[name] = value.strip()
    for name in LIST_FIELDS:
        if (values := getattr(edit, name)) is not None:
            updates[name] = [v.strip() for v in values if v.strip()]
    if edit.tags is not None:
        updates["tags"] = _words(edit.tags, "tags", errors)
    if edit.fixes is not None:
        updates["fixes"] = _fixes(draft, edit.fixes, errors)
    if len(updates.get("title", draft.title)) < 5:
        errors["title"] = "give a title of at least 5 characters"
    if errors:
        raise SubmissionInvalid(errors)
    return updates


def edited(draft: EntryDraft, edit: DraftEdit) -> EntryDraft:
    """The draft with the maintainer's words, validated like any entry (SubmissionInvalid)."""
    data = {**draft.model_dump(), **_dumped(_updates(draft, edit))}
    try:
        return EntryDraft.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SubmissionInvalid({_field_path(tuple(first["loc"])): _explain(dict(first))}) from exc


def _dumped(updates: dict[str, Any]) -> dict[str, Any]:
    return {k: [f.model_dump() for f in v] if k == "fixes" else v for k, v in updates.items()}


def changed_fields(before: EntryDraft, after: EntryDraft) -> dict[str, Any]:
    """The fields an edit changed, each with its value before ("fixes[0].title"...)."""
    changed: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, *LIST_FIELDS, "tags"):
        if getattr(before, name) != getattr(after, name):
            changed[name] = getattr(before, name)
    for i, (old, new) in enumerate(zip(before.fixes, after.fixes, strict=True)):
        for name in FIX_FIELDS:
            if getattr(old, name) != getattr(new, name):
                changed[f"fixes[{i}].{name}"] = getattr(old, name)
    return changed


def edit(services: Services, submission_id: str, change: DraftEdit, *, by: str) -> Submission:
    """Apply a maintainer's corrections to an open submission and record them in its history
    (SubmissionInvalid, SubmissionNotEditable); an edit that changes nothing records nothing."""
    with services.database.read() as session:
        current = store.get_submission(session=session, submission_id=submission_id[:40])
    if current is None or current.status in ("approved", "rejected"):
        raise SubmissionNotEditable(f"no open submission with id {submission_id[:40]!r}")
    before = EntryDraft.model_validate(current.draft)
    after = edited(before, change)
    changed = changed_fields(before, after)
    if not changed:
        return current
    record = {"at": utcnow().isoformat(), "by": by, "fields": list(changed), "before": changed}
    with services.database.write() as session:
        saved = store.edit_submission(
            session=session,
            submission_id=current.id,
            draft=after.model_dump(mode="json"),
            change=record,
        )
    if saved is None:
        raise SubmissionNotEditable(f"submission {current.id!r} was decided meanwhile")
    return saved
