"""A private copy of the repository's finished entries for the web and moderation tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from errata.config import REPO_ROOT


def copy_finished_entries(target: Path) -> Path:
    """Copy every entry folder that has its entry.toml (folders still being written are skipped)."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in sorted((REPO_ROOT / "entries").iterdir()):
        if folder.is_dir() and (folder / "entry.toml").is_file():
            shutil.copytree(folder, target / folder.name)
    return target
