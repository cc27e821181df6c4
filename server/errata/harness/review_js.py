"""The static review of JavaScript and TypeScript snippets and checks (review.py does Python).

Python is read as a syntax tree; JavaScript is read line by line against patterns, comments
and all, which flags more than it must rather than less: leaving early (`process.exit`,
`reallyExit`, `abort`), raw file descriptors given by number (the verdict channel's; children
inherit them, so a shell's `>&3` too), `/proc/self`, asking who it runs as, signal and exit
handlers, code built at run time (`eval`, `new Function`, `node:vm`), native bindings,
inspector and async hooks, stack-trace hooks, and the check library's own state. A flag is not
a verdict: it sends a run to a maintainer's look.
"""

from __future__ import annotations

import re

from .review_rules import DYNAMIC, EXIT, FRAMES, PROBE, RAW_FD, SIGNALS, TRACING

NATIVE = ("native-code", "loads native code or Node's internal bindings, out of the review's sight")
STATE = ("check-state", "reaches the check library's recorded state, not its API")
PROC = ("proc-self", "reads /proc/self: it can find and use the run's verdict channel")
P = r"\bprocess\s*\.\s*"  # `process.`
MODULE = r"""["'](?:node:)?(?:{})["']"""

PATTERNS: list[tuple[re.Pattern[str], tuple[str, str]]] = [
    (re.compile(P + r"(exit|reallyExit|abort)\b"), EXIT),
    (re.compile(P + r"kill\s*\(\s*process\s*\.\s*pid\b"), EXIT),
    (re.compile(r"\b(write|read|close|fstat|fsync|ftruncate)(Sync)?\s*\(\s*\d"), RAW_FD),
    (re.compile(r"\b(createReadStream|createWriteStream)\s*\([^)]*\bfd\s*:"), RAW_FD),
    (re.compile(r"[<>]&\s*[3-9]|/dev/fd/"), RAW_FD),  # a child's shell reaching fds 3+
    (re.compile(r"/proc/(self|thread-self|\d|\$\{)"), PROC),
    (re.compile(P + r"(getuid|geteuid|getgid|getegid|getgroups)\b"), PROBE),
    (re.compile(P + r"""(on|once|prependListener)\s*\(\s*["'](SIG\w+|exit|beforeExit)"""), SIGNALS),
    (re.compile(P + r"(removeAllListeners|setUncaughtExceptionCaptureCallback)\b"), TRACING),
    (re.compile(MODULE.format("inspector|async_hooks|trace_events|v8")), TRACING),
    (re.compile(r"\bError\s*\.\s*(prepareStackTrace|captureStackTrace)\s*="), FRAMES),
    (re.compile(r"(?<![\w.])eval\s*\(|\bnew\s+Function\s*\("), DYNAMIC),
    (re.compile(MODULE.format("vm")), DYNAMIC),
    (re.compile(P + r"(binding|_linkedBinding|dlopen)\b"), NATIVE),
    (re.compile(r"\brecordedFigures\b"), STATE),
]


def review_js(source: str, file: str) -> list[tuple[str, int, str, str]]:
    """(file, line, code, message) for each pattern found in `source`, once per line and code."""
    found: list[tuple[str, int, str, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        codes = {kind for pattern, kind in PATTERNS if pattern.search(line)}
        found += [(file, number, code, message) for code, message in sorted(codes)]
    return found
