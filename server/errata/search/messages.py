"""Message lines: what is left of a trace line once no frame or dump format claimed it.

An exception line ("pkg.SomeError: message"), a panic or a problem-level log line is a key
line; a Java thread header is a key line without its noise; anything else is context. Some
messages arrive wrapped and are unwrapped first: Python's warnings module prints
"path.py:726: RuntimeWarning: message", SQLAlchemy prints a driver's error as
"(sqlite3.OperationalError) message", and a sentence may run straight into the error
("... 报错OSError: [Errno 24] Too many open files").
"""

from __future__ import annotations

import re
from typing import Protocol

# "pkg.mod.SomeError: message", "SomeError", "Caused by: java.io.IOException: msg", etc.
# Possessive runs and an atomic type: what follows each run cannot start with a character of
# the run, and only the last word of a `$`-joined name can be followed by the rest, so giving
# characters back never finds another match (it only cost quadratic time on long lines).
EXC_LINE = re.compile(
    r"^(?:Caused by:\s*+|Uncaught\s++|Unhandled\s+(?:exception|rejection)[^:]*+:\s*+|"
    r"Exception in thread \"[^\"]*+\"\s++|\w*Error\s+\[\w+\]:\s*+|"
    r"\+-\+?-*+\s*+\d*+\s*+-*+\s*+|[|+]\s*+)?"
    r"(?P<type>(?>(?:[A-Za-z_$][\w$]*+\.)*+[A-Z][\w$]*(?:Error|Exception|Exit|Interrupt|Warning|"
    r"Fault|Failure|Timeout|Group|Panic|Throwable)\w*+))"
    r"(?:\s*+\[[\w-]++\])?(?P<rest>(?::\s*|\s*+\(|\s++-\s+).*|\s*+)$"
)
_PANIC = re.compile(
    r"^(?:panic: |fatal error: |thread '[^']*' panicked at |thread \S+ panicked at |"
    r"error\[E\d+\]: |FATAL|ERROR|CRITICAL|SEVERE|WARN(?:ING)?\b|E\d{4} )",
    re.I,
)
_LOG_PREFIX = re.compile(
    r"^(?:\[?[\d\-/:.,TZ+ ]{8,}\]?\s*)?(?:\[[^\]]{1,40}\]\s*)*(?:\w+\[\d+\]:\s*)?"
    r"(?:(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE|PANIC)\b"
    r"(?:/[\w.-]{1,40})?[:\]]?\s*)?(?:\[[^\]]{1,60}\]\s*)*(?:[\w.$-]+:\d*\s+-\s+|[\w.$-]+\s+-\s+)?"
)
_PROBLEM_LEVELS = frozenset({"WARN", "WARNING", "ERROR", "FATAL", "CRITICAL", "SEVERE", "PANIC"})
_LOGFMT_PROBLEM = re.compile(r"\blevel=\"?(?:err\w*|fatal|panic|crit\w*|warn\w*)\b", re.I)
# Problems the Python runtime and asyncio log with no exception type and no level prefix
# (logging's last-resort handler prints the bare message).
_RUNTIME_MESSAGE = re.compile(
    r"^(?:(?:Task|Future) exception was never retrieved|Task was destroyed but it is pending|"
    r"Exception ignored in\b|Unclosed (?:client session|connector)|Executing <Task .* took )"
)
_JAVA_THREAD_NOISE = re.compile(  # only from the start of a run of spaces: linear
    r"(?<!\s)\s*+(?:#\d+|\bdaemon\b|\b(?:os_)?prio=\S+|\bcpu=\S+|\belapsed=\S+|\btid=\S+|\bnid=\S+|"
    r"\[0x[0-9a-f]+\])",
    re.I,
)
# The wrappers (https://docs.python.org/3/library/warnings.html#warnings.formatwarning,
# https://docs.sqlalchemy.org/en/20/errors.html#dbapi-errors); each is anchored or starts
# with a character class, and no run inside can give back into another: linear.
_WARNING_AT = re.compile(r"^\S+:\d+:\s++(?=[\w.]*Warning:)")
_WRAPPED = re.compile(r"^\((?P<type>(?:\w+\.)*[A-Z]\w*(?:Error|Exception|Warning))\)\s*+")
# The first line of a JavaScript stack kept in a JSON string or an inspected error:
# behind `{"stack":"`, `[` or `'`.
_JSON_WRAPPED = re.compile(r"^(?:\{\s*+\"\w++\"\s*+:\s*+\"|[\['\"])")
_EMBEDDED = re.compile(
    r"(?<![A-Za-z0-9_.])(?:[a-z_]\w*\.)*[A-Z][a-zA-Z]*(?:Error|Exception|Warning): \S"
)


class Collector(Protocol):
    """What normalize's collector offers to a message line."""

    kind: str
    after_panic: bool

    def key_line(self, line: str, exc_type: str | None = None) -> None: ...

    def other_line(self, line: str) -> None: ...


def strip_log_prefix(line: str) -> tuple[str, bool]:
    """Drop a timestamp/level/logger prefix; report whether the level was a problem level."""
    match = _LOG_PREFIX.match(line)
    if not match or match.end() == 0:
        return line, False
    level = (match.group("level") or "").upper()
    return line[match.end() :], level in _PROBLEM_LEVELS


def unwrap(body: str) -> tuple[str, re.Match[str] | None]:
    """The exception line inside a bulleted, warnings-module, driver-wrapped or run-in line,
    and EXC_LINE's match of what is returned (None: no exception line). Each wrapper's pattern
    runs only on a line that has its literal part ("Warning:", an opening parenthesis)."""
    if body.startswith(("- ", "* ")) and EXC_LINE.match(body[2:].lstrip()):
        body = body[2:].lstrip()  # a bulleted exception line (pip, a markdown list)
    if "Warning:" in body:
        body = _WARNING_AT.sub("", body, count=1)
    if body.startswith("("):
        body = _WRAPPED.sub(r"\g<type>: ", body, count=1)
    if m := EXC_LINE.match(body):
        return body, m
    if embedded := _EMBEDDED.search(body):
        body = body[embedded.start() :]
        return body, EXC_LINE.match(body)
    return body, None


def classify_message(stripped: str, out: Collector) -> None:
    """A key line for an error, a panic or a problem-level log line; context otherwise."""
    body, problem_level = strip_log_prefix(stripped)
    body, m = unwrap(body.strip())
    if m:
        out.key_line(body, m.group("type"))
    elif (
        _PANIC.match(body)
        or problem_level
        or _LOGFMT_PROBLEM.search(body)
        or _RUNTIME_MESSAGE.match(body)
    ):
        out.key_line(body)
        if "panicked at" in body and body.endswith(":"):
            out.kind, out.after_panic = "rust", True
    elif (m := EXC_LINE.match(inner := _JSON_WRAPPED.sub("", body, count=1))) and inner != body:
        out.key_line(inner, m.group("type"))  # `{"stack":"TypeError: ...`, `[TypeError: ...]`
    elif body.startswith('"') and ("prio=" in body or "tid=" in body):
        out.kind = "java"
        out.key_line(_JAVA_THREAD_NOISE.sub("", re.sub(r'^"[^"]*"', "thread", body)))
    else:
        out.other_line(body)
