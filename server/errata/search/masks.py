"""The patterns that mask volatile values (paths, numbers, ids...), and what each needs.

`mask.mask` applies them in this order; a query is any text a client sends, so each pattern
costs time linear in the text it reads (`tests/test_search_cost.py` holds them to it).
"""

from __future__ import annotations

import re
from typing import Protocol


class Substitution(Protocol):
    """What `mask` needs of a pattern: `re.Pattern` has it."""

    @property
    def pattern(self) -> str: ...

    @property
    def flags(self) -> int: ...

    def sub(self, repl: str, string: str) -> str: ...


_LOCAL_RUN_FROM = re.compile(r"[\w.+-]*+$")
_LOCAL_RUN = re.compile(r"(?<![\w.+-])[\w.+-]*+$")
_LOCAL_START = re.compile(r"\b(?=[\w.+-])")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+\b")


class _Emails:
    r"""`re.sub` of `\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b`, the same replacements in linear time.

    The regex would try every word boundary of a long run (`a.a.a.a...`) and scan the run
    from each. Every start inside the run before an `@` reaches that same `@`, so only the
    first boundary of each such run (or of what a previous match left of it) is tried.
    """

    def __init__(self) -> None:
        regex = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
        self.pattern, self.flags = regex.pattern, regex.flags

    def sub(self, repl: str, string: str) -> str:
        """`string` with each address replaced by `repl` (a plain string)."""
        out: list[str] = []
        done = 0
        at = string.find("@")
        while at != -1:
            begin = _LOCAL_START.search(string, self._run_start(string, done, at), at)
            domain = _DOMAIN.match(string, at + 1) if begin else None
            if begin and domain:
                out += [string[done : begin.start()], repl]
                done = domain.end()
            at = string.find("@", max(at + 1, done))
        return "".join(out) + string[done:]

    @staticmethod
    def _run_start(string: str, done: int, at: int) -> int:
        """Where the run of local-part characters ending at `at` starts (not before `done`)."""
        if _LOCAL_RUN_FROM.match(string, done, at):
            return done
        run = _LOCAL_RUN.search(string, done, at)
        return run.start() if run else at


# No pattern may backtrack more than a constant per character: a query is any text a client
# sends. Where a pattern could start anywhere inside a run of the characters it consumes
# (`a-a-a-...-a/1` has a word boundary before every `a`), it starts only where the run starts:
# `lead` takes, possessively, what comes before the first place the original form could have
# started, and the replacement gives it back, so the text masked is exactly what it was.
_RUN = r"[\w.@~+-]"  # a path segment's characters
MASKS: list[tuple[Substitution, str]] = [
    (
        re.compile(
            r"(?<![a-z0-9+.-])(?P<lead>(?:(?<=\w)[a-z]|[0-9+.-])*+)"
            r"\b[a-z][a-z0-9+.-]*+://[^\s'\"<>)\]]+",
            re.I,
        ),
        r"\g<lead> <url> ",
    ),
    (
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
        "<uuid>",
    ),
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}"
            r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
        ),
        "<ts>",
    ),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b"), "<ts>"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b"), "<ip>"),
    (re.compile(r"\[(?=[0-9a-f:]*?::)[0-9a-f:]*+\](?::\d+)?", re.I), "<ip>"),
    (re.compile(r"\blocalhost:\d+\b"), "<ip>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<hex>"),
    (_Emails(), "<email>"),
    # Paths: unix (at least one slash and a segment), windows drive paths, file.ext:line:col.
    (
        re.compile(
            rf"[A-Za-z]:(?:[\\/]{_RUN}++){{2,}}[\\/]?"
            rf"|(?<!{_RUN})(?P<lead>[.@~+-]*+)\b{_RUN}++(?:[\\/]{_RUN}++){{2,}}[\\/]?"
            rf"|(?:[\\/]{_RUN}++){{2,}}[\\/]?"
        ),
        r"\g<lead><path>",
    ),
    (
        re.compile(
            r"(?<![\w.@~+/\\-])[\w.@~+/\\-]*"
            r"\.(?:py|pyx|js|mjs|cjs|ts|tsx|jsx|go|java|kt|rs|rb|cs|c|cc|cpp|h)\b"
        ),
        "<path>",
    ),
    (re.compile(r"(?:\.{1,2}|~)?[\\/][\w.@~+-]+\.\w+"), "<path>"),
    # Long hex or mixed letter-digit identifiers (request ids, hashes, tokens).
    (re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b", re.I), "<id>"),
    (
        re.compile(
            r"(?<![A-Za-z0-9_-])(?P<lead>(?:(?<=\w)[A-Za-z0-9_]++)?(?:-++|[0-9_]++-++)*+)"
            r"\b(?=[A-Za-z_-]*+\d)(?=\w*[A-Za-z])[A-Za-z0-9_-]{16,}\b"
        ),
        r"\g<lead><id>",
    ),
    (
        re.compile(
            r"(?<![\w<])[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?(?:ms|s|us|ns|kb|mb|gb|%)?(?![\w>])", re.I
        ),
        "<n>",
    ),
]

# What each pattern above needs in the text to match at all: a digit or not, and one of a few
# substrings ("" = none). Symptoms are short curated text: most patterns are skipped outright.
NEEDS: list[tuple[bool, tuple[str, ...]]] = [
    (False, ("://",)),
    (True, ("-",)),
    (True, ("-",)),
    (True, (":",)),
    (True, (".",)),
    (False, ("::",)),
    (True, ("localhost:",)),
    (True, ("0x", "0X")),
    (False, ("@",)),
    (False, ("/", "\\")),
    (False, (".",)),
    (False, ("/", "\\")),
    (True, ()),
    (True, ()),
    (True, ()),
]
