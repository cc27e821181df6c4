"""A JavaScript stack frame (`at fn (file.js:3:9)`), read in linear time.

The frame regex this replaces, `^\\s*at (?:async )?(?P<func>[^\\s(]+)?\\s*\\(?(?P<loc>[^()]*:\\d+
(?::\\d+)?)\\)?$`, lets `func` and `loc` claim the same characters, so `re` tries every split and
each try rescans the rest of the line: quadratic even when it matches (`at x:` + 2,000
digits took 27 ms). Here each split is decided from a few positions computed once, in the
order `re` would try them, so `js_frame` returns exactly the groups the regex returned.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"\s*at ")
_SPACES = re.compile(r"\s*")
_RUN = re.compile(r"[^\s(]*")
_LAST_NUMBER = re.compile(r":\d+$")


def js_frame(line: str) -> tuple[str | None, str] | None:
    """(function or None, location) of a JavaScript frame line, or None if it is not one."""
    prefix = _PREFIX.match(line)
    if prefix is None:
        return None
    rest = line[prefix.end() :]
    if rest.startswith("async "):
        found = _after_at(rest[6:])
        if found is not None:
            return found
    return _after_at(rest)


def _location(text: str, start: int) -> str | None:
    """The location when `text[start:]` is `[^()]*:\\d+(?::\\d+)?` and an optional `)`."""
    tail = text[start:]
    loc = tail[:-1] if tail.endswith(")") else tail
    if "(" in loc or ")" in loc or not _LAST_NUMBER.search(loc):
        return None
    return loc


def _after_paren(text: str, start: int) -> str | None:
    """Spaces taken whole, then an optional `(` (tried first), then the location."""
    start = _SPACES.match(text, start).end()  # type: ignore[union-attr]
    if text.startswith("(", start):
        loc = _location(text, start + 1)
        if loc is not None:
            return loc
    return _location(text, start)


def _after_at(text: str) -> tuple[str | None, str] | None:
    """The groups for the text after `at ` (and `async `), in the regex's order of tries."""
    run = _RUN.match(text).end()  # type: ignore[union-attr]
    if run:
        loc = _after_paren(text, run)
        if loc is not None:
            return text[:run], loc
    inner = _inner_split(text, run)
    if inner is not None:
        return text[:inner], text[inner : _location_end(text)]
    loc = _after_paren(text, 0)
    return (None, loc) if loc is not None else None


def _location_end(text: str) -> int:
    return len(text) - 1 if text.endswith(")") else len(text)


def _inner_split(text: str, run: int) -> int | None:
    """The longest shorter function (1..run-1 characters) whose remainder is a location: the
    remainder holds no parenthesis and keeps the final `:number`."""
    end = _location_end(text)
    last_paren = max(text.rfind("(", 0, end), text.rfind(")", 0, end))
    number = _LAST_NUMBER.search(text, 0, end)
    if number is None:
        return None
    split = min(run - 1, number.start())
    return split if split >= 1 and split > last_paren else None
