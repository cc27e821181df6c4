"""Read every path setting once at startup; name what is missing instead of passing None on.

WRONG:  uploads = os.path.join(os.environ.get("DATA_DIR"), "uploads")
  TypeError: expected str, bytes or os.PathLike object, not NoneType
  (also Path(None), open(None), and {**defaults, **from_env} with a None value)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


class ConfigError(Exception):
    """A required setting is missing; the message names every one."""


def merge_set(defaults: dict, *overrides: Mapping) -> dict:
    """Defaults overridden only by values that are set (None and "" do not count)."""
    merged = dict(defaults)
    for override in overrides:
        merged.update({key: value for key, value in override.items() if value not in (None, "")})
    return merged


def load_path_settings(
    spec: Mapping[str, tuple[str, str | None]],
    environ: Mapping[str, str] = os.environ,
    base_dir: Path | None = None,
) -> dict[str, Path]:
    """spec maps a setting to (variable, default); relative values resolve against base_dir."""
    base = base_dir or Path.cwd()
    missing = [f"{var} ({name})" for name, (var, default) in spec.items() if not (environ.get(var) or default)]
    if missing:
        raise ConfigError(f"missing path settings: {', '.join(missing)}; set them in the environment or .env")
    return {name: base / (environ.get(var) or default or "") for name, (var, default) in spec.items()}
