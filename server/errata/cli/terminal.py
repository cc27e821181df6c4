"""Text from snippets made safe for a terminal: control characters shown, never obeyed.

A snippet's output, error or figure keys could carry escape sequences (clear the screen,
rewrite earlier lines, set the window title, hide text) or a carriage return that
overwrites a verdict. Everything `errata verify` prints from a run goes through `printable`.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` with every control character written as a visible escape (`\\x1b`); newlines
    kept unless `newlines` is False."""
    safe = _CONTROL.sub(_escape, text)
    return safe if newlines else safe.replace("\n", "\\n")
