"""Capture a command's output with an explicit encoding and an error policy."""

import os
import subprocess
import sys

# WRONG: text=True decodes with the locale's codec (cp1252/GBK on Windows) and errors="strict":
#     out = subprocess.run(["git", "log", "--oneline"], capture_output=True, text=True).stdout
#     -> UnicodeDecodeError: 'utf-8' codec can't decode byte 0xf6 in position 3719: invalid start byte


def run_text(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command; its output decoded as UTF-8, undecodable bytes replaced by U+FFFD."""
    return subprocess.run(
        args, capture_output=True, encoding="utf-8", errors="replace", **kwargs
    )


def decode_output(data: bytes, fallbacks: tuple[str, ...] = ("cp1252", "latin-1")) -> tuple[str, str]:
    """Exact text from captured bytes: UTF-8 first, then the fallbacks; says which one worked."""
    for encoding in ("utf-8", *fallbacks):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="backslashreplace"), "utf-8+backslashreplace"


def python_child_env() -> dict[str, str]:
    """A Python child writes UTF-8 to pipes even on Windows."""
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def run_python(code: str) -> subprocess.CompletedProcess:
    return run_text([sys.executable, "-c", code], env=python_child_env())
