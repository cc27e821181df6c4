"""Entry folders <-> entry drafts: parse, validate with one readable error type, write.

An entry lives in `entries/<id>/`:

    entry.toml            metadata and prose (see `entries/README.md` for every field)
    <snippet>.py          each code snippet exactly as published
    checks/<snippet>.py   the check the harness runs against that snippet

In `entry.toml` a snippet names its files with `file` and `check`; a draft carries their text
as `code` and `check_code`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import tomli_w
from pydantic import ValidationError

from .schema.drafts import EntryDraft

ENTRY_FILE = "entry.toml"


class EntryError(ValueError):
    """A bad entry file: names the file, the field and what is wrong."""

    def __init__(self, path: Path | str, field: str | None, problem: str) -> None:
        self.path = str(path)
        self.field = field
        self.problem = problem
        where = f"{self.path}: field '{field}'" if field else self.path
        super().__init__(f"{where}: {problem}")


def _field_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _explain(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (remove it or check its spelling)"
    if kind == "missing":
        return "required field is missing"
    return str(error.get("msg", "invalid value"))


def _safe_relative(folder: Path, name: Any, toml_path: Path, field: str) -> Path:
    if not isinstance(name, str) or not name:
        raise EntryError(toml_path, field, "must be a file name relative to the entry folder")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts:
        raise EntryError(toml_path, field, f"{name!r} must stay inside the entry folder")
    path = folder / pure
    if not path.is_file():
        raise EntryError(toml_path, field, f"file {name!r} does not exist in {folder}")
    return path


def _read_text(path: Path, toml_path: Path, field: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EntryError(toml_path, field, f"{path.name} is not UTF-8 text: {exc}") from exc


def _inline_snippet_files(folder: Path, toml_path: Path, data: dict[str, Any]) -> None:
    fixes = data.get("fixes")
    if not isinstance(fixes, list):
        return
    for i, fix in enumerate(fixes):
        snippets = fix.get("snippets") if isinstance(fix, dict) else None
        if not isinstance(snippets, list):
            continue
        for j, snippet in enumerate(snippets):
            if not isinstance(snippet, dict):
                continue
            where = f"fixes[{i}].snippets[{j}]"
            for forbidden in ("code", "check_code", "check_file"):
                if forbidden in snippet:
                    raise EntryError(toml_path, f"{where}.{forbidden}", "unknown field")
            if "file" not in snippet:
                raise EntryError(toml_path, f"{where}.file", "required field is missing")
            code_path = _safe_relative(folder, snippet["file"], toml_path, f"{where}.file")
            snippet["code"] = _read_text(code_path, toml_path, f"{where}.file")
            if "check" in snippet:
                check_name = snippet.pop("check")
                check_path = _safe_relative(folder, check_name, toml_path, f"{where}.check")
                snippet["check_file"] = check_name
                snippet["check_code"] = _read_text(check_path, toml_path, f"{where}.check")


def _check_consistency(draft: EntryDraft, folder: Path, toml_path: Path) -> None:
    if draft.id != folder.name:
        raise EntryError(
            toml_path, "id", f"{draft.id!r} must equal the folder name {folder.name!r}"
        )
    fix_ids = [fix.id for fix in draft.fixes]
    for i, fix_id in enumerate(fix_ids):
        if fix_ids.index(fix_id) != i:
            raise EntryError(toml_path, f"fixes[{i}].id", f"duplicate fix id {fix_id!r}")
    published: set[str] = set()
    seen: set[str] = set()
    for i, fix in enumerate(draft.fixes):
        for j, snippet in enumerate(fix.snippets):
            where = f"fixes[{i}].snippets[{j}]"
            if snippet.id in seen:
                raise EntryError(toml_path, f"{where}.id", f"duplicate snippet id {snippet.id!r}")
            seen.add(snippet.id)
            if snippet.kind == "published":
                published.add(snippet.id)
    for i, fix in enumerate(draft.fixes):
        for j, snippet in enumerate(fix.snippets):
            where = f"fixes[{i}].snippets[{j}]"
            if snippet.kind == "correction" and snippet.corrects not in published:
                raise EntryError(
                    toml_path, f"{where}.corrects", "a correction must name a published snippet id"
                )
            if snippet.kind == "published" and snippet.corrects:
                raise EntryError(toml_path, f"{where}.corrects", "only corrections correct")


def _check_choice(draft: EntryDraft, toml_path: Path) -> None:
    """The order of preference names each fix once; for_symptoms quote the entry's symptoms."""
    fix_ids = {fix.id for fix in draft.fixes}
    for i, fix_id in enumerate(draft.preference):
        if fix_id not in fix_ids or draft.preference.index(fix_id) != i:
            raise EntryError(toml_path, f"preference[{i}]", f"{fix_id!r} is not a fix id, or twice")
    symptoms = [s.lower() for s in draft.symptoms]
    for i, fix in enumerate(draft.fixes):
        for j, part in enumerate(fix.for_symptoms):
            if not part.strip() or not any(part.lower() in s for s in symptoms):
                raise EntryError(
                    toml_path, f"fixes[{i}].for_symptoms[{j}]", "must quote part of a symptom"
                )


def parse_entry(folder: Path) -> EntryDraft:
    """Read and validate one entry folder; raise EntryError on the first problem."""
    toml_path = folder / ENTRY_FILE
    if not toml_path.is_file():
        raise EntryError(toml_path, None, f"missing {ENTRY_FILE} in entry folder")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EntryError(toml_path, None, f"broken TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise EntryError(toml_path, None, f"not UTF-8 text: {exc}") from exc
    _inline_snippet_files(folder, toml_path, data)
    try:
        draft = EntryDraft.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise EntryError(
            toml_path, _field_path(tuple(first["loc"])), _explain(dict(first))
        ) from exc
    _check_consistency(draft, folder, toml_path)
    _check_choice(draft, toml_path)
    return draft


def parse_entries(root: Path) -> list[EntryDraft]:
    """Parse every entry folder under root, sorted by id; the first bad one raises."""
    if not root.is_dir():
        raise EntryError(root, None, "entries folder does not exist")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    return [parse_entry(folder) for folder in folders]


def draft_to_toml(draft: EntryDraft) -> str:
    """The `entry.toml` text of a draft (snippet code stays in its own files)."""
    data = draft.model_dump(exclude_defaults=False)
    for fix in data["fixes"]:
        if not fix["for_symptoms"]:
            fix.pop("for_symptoms")
        for snippet in fix["snippets"]:
            snippet.pop("code")
            check_code = snippet.pop("check_code")
            check_file = snippet.pop("check_file")
            if check_code is not None and check_file:
                snippet["check"] = check_file
            for key in ("corrects",):
                if snippet[key] is None:
                    snippet.pop(key)
    return tomli_w.dumps(data, multiline_strings=True)


def _write_folder(draft: EntryDraft, folder: Path) -> None:
    (folder / ENTRY_FILE).write_text(draft_to_toml(draft), encoding="utf-8")
    for fix in draft.fixes:
        for snippet in fix.snippets:
            files = [(snippet.file, snippet.code)]
            if snippet.check_code is not None and snippet.check_file:
                files.append((snippet.check_file, snippet.check_code))
            for name, text in files:
                target = folder / _checked_name(name, folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")


def _checked_name(name: str, folder: Path) -> PurePosixPath:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise EntryError(folder, "file", f"{name!r} must stay inside the entry folder")
    return pure


def write_entry(draft: EntryDraft, root: Path) -> Path:
    """Write a draft as `root/<id>/`, replacing any earlier folder in one rename."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / draft.id
    staging = Path(tempfile.mkdtemp(prefix=f".{draft.id}-", dir=root))
    try:
        _write_folder(draft, staging)
        if final.exists():
            retired = root / f".{draft.id}-old-{os.getpid()}"
            final.rename(retired)
            staging.rename(final)
            shutil.rmtree(retired)
        else:
            staging.rename(final)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return final
