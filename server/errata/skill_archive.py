"""errata's own skill as a registry package: files, version, content hash and a zip archive.

The archive is deterministic: the same files give the same bytes and the same hash. The hash
is ClawHub's skill fingerprint (sha256 over sorted `path:sha256` lines), so the CLI's record
of an installed copy (`.clawhub/origin.json`) carries the very hash the registry advertises.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Folders and files a registry never publishes (ClawHub skips dot paths itself).
_SKIPPED_PARTS = {"__pycache__", "node_modules"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PUNCTUATION_ORDER = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_FRONT_MATTER = re.compile(r"^---\n(.*?)\n---", re.DOTALL)


class SkillError(ValueError):
    """The skill folder cannot be packaged (missing SKILL.md, bad front matter, binary file)."""


@dataclass(frozen=True)
class SkillFile:
    """One file of the skill, by its path inside the skill folder."""

    path: str
    data: bytes
    sha256: str
    content_type: str

    def describe(self) -> dict[str, Any]:
        """The file as ClawHub's version detail lists it."""
        return {
            "path": self.path,
            "size": len(self.data),
            "sha256": self.sha256,
            "contentType": self.content_type,
        }


@dataclass(frozen=True)
class SkillPackage:
    """The whole skill: front matter, files, version, fingerprint and the zip to download."""

    slug: str
    description: str
    version: str
    files: tuple[SkillFile, ...]
    fingerprint: str
    archive: bytes
    archive_sha256: str
    updated_ms: int

    def file(self, path: str) -> SkillFile | None:
        """One file by its path, or None."""
        return next((f for f in self.files if f.path == path), None)


def skill_files(skill_dir: Path) -> list[Path]:
    """The files a registry publishes from `skill_dir`, sorted by their relative path."""
    found = []
    for path in skill_dir.rglob("*"):
        relative = path.relative_to(skill_dir).parts
        if any(part.startswith(".") or part in _SKIPPED_PARTS for part in relative):
            continue
        if path.is_file() and path.suffix != ".pyc":
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(skill_dir).as_posix())


def read_front_matter(skill_md: str) -> dict[str, Any]:
    """SKILL.md's YAML front matter as a dict."""
    match = _FRONT_MATTER.match(skill_md)
    if not match:
        raise SkillError("SKILL.md has no YAML front matter between '---' lines")
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise SkillError(f"SKILL.md front matter is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SkillError("SKILL.md front matter must be a YAML mapping")
    return data


def collation_key(path: str) -> tuple[tuple[tuple[int, int], ...], tuple[bool, ...]]:
    """Sort key matching JavaScript's `localeCompare` (ICU root order) on ASCII paths.

    ClawHub sorts paths this way before hashing: punctuation before digits before letters,
    letters compared without case first, then lowercase before uppercase.
    """
    primary = []
    for char in path:
        if char in _PUNCTUATION_ORDER:
            primary.append((0, _PUNCTUATION_ORDER.index(char)))
        elif char.isdigit():
            primary.append((1, ord(char)))
        else:
            primary.append((2, ord(char.lower())))
    return tuple(primary), tuple(char.isupper() for char in path)


def fingerprint(files: list[SkillFile] | tuple[SkillFile, ...]) -> str:
    """ClawHub's skill fingerprint: sha256 of the `path:sha256` lines in its path order."""
    ordered = sorted(files, key=lambda f: collation_key(f.path))
    payload = "\n".join(f"{f.path}:{f.sha256}" for f in ordered)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_archive(files: list[SkillFile] | tuple[SkillFile, ...]) -> bytes:
    """A zip of the files with fixed timestamps and modes, so equal files give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in sorted(files, key=lambda f: f.path):
            info = zipfile.ZipInfo(item.path, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the host
            archive.writestr(info, item.data, compresslevel=9)
    return buffer.getvalue()


def _load_file(skill_dir: Path, path: Path) -> SkillFile:
    relative = path.relative_to(skill_dir).as_posix()
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SkillError(f"{relative} is not a UTF-8 text file; skills hold text only") from exc
    content_type = mimetypes.guess_type(relative)[0] or "text/plain"
    return SkillFile(relative, data, hashlib.sha256(data).hexdigest(), content_type)


def load_package(skill_dir: Path) -> SkillPackage:
    """Package the skill folder as it is on disk."""
    skill_md = skill_dir / "SKILL.md"
    if not skill_md.is_file():
        raise SkillError(f"{skill_md} does not exist")
    meta = read_front_matter(skill_md.read_text(encoding="utf-8"))
    paths = skill_files(skill_dir)
    files = tuple(_load_file(skill_dir, path) for path in paths)
    metadata = meta.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    archive = build_archive(files)
    return SkillPackage(
        slug=str(meta.get("name", "")).strip(),
        description=" ".join(str(meta.get("description", "")).split()),
        version=str(metadata.get("version", "0.0.0")),
        files=files,
        fingerprint=fingerprint(files),
        archive=archive,
        archive_sha256=hashlib.sha256(archive).hexdigest(),
        updated_ms=max((int(p.stat().st_mtime * 1000) for p in paths), default=0),
    )


class SkillSource:
    """Packages the skill folder again only when one of its files changed."""

    def __init__(self, skill_dir: Path) -> None:
        self.skill_dir = skill_dir
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._package: SkillPackage | None = None

    def _current_signature(self) -> tuple[tuple[str, int, int], ...]:
        signature = []
        for path in skill_files(self.skill_dir):
            stat = path.stat()
            signature.append((path.as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(signature)

    def package(self) -> SkillPackage:
        """The skill as it is now on disk."""
        signature = self._current_signature()
        if self._package is None or signature != self._signature:
            self._package = load_package(self.skill_dir)
            self._signature = signature
        return self._package
