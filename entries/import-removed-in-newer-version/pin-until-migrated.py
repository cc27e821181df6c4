"""Until the code is migrated, keep each dependency below the major version that removed what it
uses, and say plainly when the environment holds a version (or a Python) that removed it."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

# One upper bound per dependency, written to constraints.txt and applied to every install:
#   pip install -r requirements.txt -c constraints.txt
UPPER_BOUNDS = {
    "openai": "1.0",  # 1.0.0 removed openai.error and openai.ChatCompletion
    "numpy": "1.24",  # 1.24 removed np.float, np.int, np.bool, np.object (2.0 also np.NaN)
    "markupsafe": "2.1",  # 2.1.0 removed soft_unicode, which Jinja2 < 3.0 imports
}
# Standard-library modules a Python release removed, and what still provides or replaces them.
REMOVED_STDLIB = {
    "distutils": ((3, 12), "pip install setuptools (it still ships distutils), then migrate (PEP 632)"),
    "imp": ((3, 12), "use importlib (there is no backport)"),
    "asyncore": ((3, 12), "pip install pyasyncore, then move to asyncio"),
    "asynchat": ((3, 12), "pip install pyasynchat, then move to asyncio"),
    "smtpd": ((3, 12), "use aiosmtpd"),
    "cgi": ((3, 13), "pip install legacy-cgi, or email.message and urllib.parse"),
    "telnetlib": ((3, 13), "pip install standard-telnetlib (or telnetlib3)"),
    "pipes": ((3, 13), "use shlex.quote and subprocess (or pip install standard-pipes)"),
    "crypt": ((3, 13), "pip install crypt-r, or hashlib"),
}


def installed_version(distribution: str) -> str | None:
    """The version installed for this interpreter, as pip show prints it (None if absent)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def release(version: str) -> tuple[int, ...]:
    """'1.24.0rc1' -> (1, 24, 0): the numbers a bound is compared with."""
    numbers = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in numbers.group().split(".")) if numbers else ()


def breaking_installs(bounds: dict[str, str] = UPPER_BOUNDS) -> list[str]:
    """One line for each installed dependency at or past the version that removed what the code uses."""
    found = []
    for name, bound in bounds.items():
        version = installed_version(name)
        if version is not None and release(version) >= release(bound):
            found.append(f"{name} {version} is installed; this code needs {name}<{bound} until it is migrated")
    return found


def write_constraints(path: str | Path, bounds: dict[str, str] = UPPER_BOUNDS) -> Path:
    """A constraints file: it caps versions for pip without installing anything by itself."""
    target = Path(path)
    target.write_text("".join(f"{name}<{bound}\n" for name, bound in sorted(bounds.items())), encoding="utf-8")
    return target


def install_command(requirements: list[str], constraints: str | Path) -> list[str]:
    """pip of this interpreter, with the constraints applied to every package it resolves."""
    return [sys.executable, "-m", "pip", "install", "-c", str(constraints), *requirements]


def removed_from_stdlib(module: str, python: tuple[int, int] = sys.version_info[:2]) -> str | None:
    """Why `import module` fails on this Python when a release removed it, and what to do."""
    top = module.partition(".")[0]
    if top not in REMOVED_STDLIB or python < REMOVED_STDLIB[top][0]:
        return None
    (major, minor), remedy = REMOVED_STDLIB[top]
    return f"{top} was removed from the standard library in Python {major}.{minor} (this is {python[0]}.{python[1]}): {remedy}"
