"""Import each moved name from its current home, so the same code runs on Python 3.8 to 3.13+."""

from __future__ import annotations

import email.message
import importlib.util
import shlex
import shutil
from collections.abc import Iterable, Mapping, MutableMapping, Sequence

# WRONG on Python 3.10+: `from collections import Mapping` -> ImportError: cannot import name
# 'Mapping' from 'collections' (the aliases moved to collections.abc in 3.3 and left in 3.10).
# WRONG on Python 3.12+: `import imp`, `import distutils`, `import asyncore` (PEP 632, PEP 594).
# WRONG on Python 3.13+: `import cgi`, `import pipes`, `import telnetlib`, `import crypt` (PEP 594).

__all__ = ["Iterable", "Mapping", "MutableMapping", "Sequence"]


def load_source(name: str, path: str):
    """imp.load_source(name, path), gone with imp in 3.12: importlib loads a file the same way."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {name!r} from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_executable(program: str) -> str | None:
    """distutils.spawn.find_executable, gone with distutils in 3.12: shutil.which."""
    return shutil.which(program)


def strtobool(value: str) -> bool:
    """distutils.util.strtobool, gone in 3.12 (this one returns a bool rather than 1 or 0)."""
    lowered = value.strip().lower()
    if lowered in ("y", "yes", "t", "true", "on", "1"):
        return True
    if lowered in ("n", "no", "f", "false", "off", "0"):
        return False
    raise ValueError(f"invalid truth value {value!r}")


def quote(argument: str) -> str:
    """pipes.quote, gone with pipes in 3.13: it was shlex.quote all along."""
    return shlex.quote(argument)


def parse_header(line: str) -> tuple[str, dict[str, str]]:
    """cgi.parse_header('text/html; charset=utf-8'), gone with cgi in 3.13: email.message parses it."""
    message = email.message.Message()
    message["content-type"] = line
    value, *params = message.get_params()
    return value[0], dict(params)
