"""The commonest lines of a Python traceback, classified without trying every rule.

normalize's `_classify` tries about a dozen patterns (container prefixes, IPython, faulthandler
and gdb frames, noise, chained-exception headers) before it reaches a Python frame; a plain
frame line, a frame's source line and the traceback's head can match none of them, so they are
recognised here first, with the same outcome.
"""

from __future__ import annotations

import re
from typing import Protocol

from . import formats
from .messages import EXC_LINE

# A Python frame line in its usual form: no path character or function name that a rule tried
# before normalize's _PY_FRAME reads (a colon, a parenthesis), so it is taken first here.
_PLAIN_PY_FRAME = re.compile(
    r'^[ \t]*+File "(?P<path>[^"():]*+)", line \d++, in (?P<func>[\w.<>]++)[ \t]*+$'
)
_TRACEBACK_HEAD = "Traceback (most recent call last):"
# How a line that an earlier rule reads may start (lowercased): never taken as source here
_NOT_SOURCE = ("file ", "thread", "current thread", "during handling", "the above exception")


class Collector(Protocol):
    """What normalize's collector offers here."""

    after_frame: bool
    after_panic: bool
    ipython: bool
    last_source: str

    def frame(self, func: str | None, kind: str) -> None: ...


def common_line(line: str, out: Collector) -> bool:
    """Classify the commonest lines of a Python traceback (its head, a frame, a frame's source
    line) as normalize's `_classify` would, without the rules that cannot claim them; False for
    any other line, and after a Rust panic or an IPython header (their rules read more lines)."""
    if out.after_panic or out.ipython:
        return False
    if m := _PLAIN_PY_FRAME.match(line):
        out.frame(formats.qualified(m.group("func"), m.group("path")), "python")
        out.after_frame = True
        return True
    stripped = line.strip()
    if stripped == _TRACEBACK_HEAD:
        out.after_frame = False
        return True
    if out.after_frame and line.startswith((" ", "\t")) and _source_line(stripped):
        out.after_frame = False
        out.last_source = stripped
        return True
    return False


def _source_line(stripped: str) -> bool:
    """A frame's source line that no rule before the source line's own would claim."""
    first = stripped[:1]
    return (
        (first.isalnum() or first == "_")
        and not stripped[:40].lower().startswith(_NOT_SOURCE)
        and ".py in " not in stripped
        and "Traceback (most recent" not in stripped
        and not EXC_LINE.match(stripped)
    )
