"""Trace formats beyond the classic ones: IPython/Jupyter tracebacks, Python `faulthandler`
and py-spy dumps (most recent call first), gdb native backtraces; and what wraps a trace's
lines (docker compose prefixes, JSON bodies printed over several lines, asyncio's report of
an unretrieved task exception), and the library a frame's path names.

`classify` is called by normalize for every line before the classic formats; it returns True
when it consumed the line. A native lock wait (`__lll_lock_wait` under `pthread_mutex_lock`)
becomes a key line that says so, since a backtrace has no message of its own.
"""

from __future__ import annotations

import re
from typing import Protocol

# "RuntimeError                              Traceback (most recent call last)"
_IPYTHON_HEADER = re.compile(
    r"^(?P<type>(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning))\s{2,}"
    r"Traceback \(most recent call last\)"
)
# "File ~/x/site-packages/mvg/mvgapi.py:286, in MvgApi.station(query)" (IPython 8), and
# "~/x/site-packages/mvg/mvgapi.py in station(query)" (IPython 7)
_IPYTHON_FRAME = re.compile(
    r"^(?:File (?P<path>\S.*?):\d+, in |(?P<path7>\S.*?\.py) in )(?P<func>[\w.<>]+)\("
)
# where a cell's code starts: "Cell In[3], line 5", "x.ipynb Cell 2 in <cell line: 8>()",
# "<ipython-input-3-1f2e> in <module>": a name, no signal
_IPYTHON_CELL = re.compile(r"(?:^|\s)Cell (?:In\[\d+\]|\d+)[, ]|^<ipython-input-[\w-]+> in ")
# faulthandler: '  File "x.py", line 12 in func' (no comma before "in")
# IPython's marker of the executing line: "----> 3 station = MvgApi.station(...)"
_IPYTHON_ARROW = re.compile(r"^-*> ?\d+\s+(?P<code>\S.*)$")
_FAULT_FRAME = re.compile(r'^\s*File "(?P<path>[^"]*)", line \d+ in (?P<func>\S+)\s*$')
_FAULT_THREAD = re.compile(
    r"^(?:Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\):|"
    r"^Thread \d+ \([^)]*\): \"[^\"]*\"",
    re.I,
)
# gdb: "#0  0x00007f... in __lll_lock_wait (...) at ..." or "#1  pthread_mutex_lock (...)"
_GDB_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(?P<func>[\w:.<>~]+) \(")
_NATIVE_LOCK = ("__lll_lock_wait", "pthread_mutex_lock", "futex_wait", "__pthread_mutex_lock")
NATIVE_LOCK_LINE = "native thread blocked waiting to lock a mutex (pthread_mutex_lock)"
# asyncio's report of a task nobody awaited wraps the task's own exception: when that exception
# is in the trace too, it names the cause and the wrapper only says where it surfaced
_WRAPPER = re.compile(r"\b(?:Task|Future) exception was never retrieved\b")
_EXCEPTION = re.compile(r"^(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\b")


_PACKAGE = re.compile(
    r"(?:site-packages|dist-packages|node_modules)[\\/]((?:@[\w.-]+[\\/])?[\w.-]+)"
    r"|[\\/]python3?\.?\d*[\\/](?:lib[\\/])?(?!python)(\w+)(?:[\\/]|\.py\b)"
    r"|[\\/]lib[\\/](\w+)(?:[\\/]|\.py\b)",
    re.I,
)


def qualified(func: str | None, path: str) -> str | None:
    """A library frame says which library: `asyncpg._acquire`, not just `_acquire`."""
    m = _PACKAGE.search(path)
    package = (m.group(1) or m.group(2) or m.group(3)) if m else None
    if not func or not package:
        return func
    return f"{package.replace('/', '.')}.{func}"


# docker compose prefixes each line with its service and replica: "web-1  | ", "api_1    | "
_COMPOSE_PREFIX = re.compile(r"^[\w.-]*?[-_]\d+ {1,40}\| ?")


def strip_container_prefix(line: str) -> str:
    """The line without a docker compose "service-1  | " prefix."""
    return _COMPOSE_PREFIX.sub("", line, count=1)


# An error line that opens a JSON body ("litellm.ServiceUnavailableError: GeminiException - {")
# and the pretty-printed body on the lines after it: one line, so the body's message is read
# as part of the error (bounded: a body longer than this stays as it was)
_OPENS_BODY = re.compile(r"(?:Error|Exception)\b.*[:-]\s*[{\[]$")
MAX_BODY_LINES = 40


def join_json_bodies(lines: list[str]) -> list[str]:
    """The lines, each error line that opens a JSON body joined with the body's lines."""
    out: list[str] = []
    i = scanned = 0  # lines before `scanned` were read by a body that never closed: each line
    while i < len(lines):  # is scanned at most twice
        line = lines[i]
        if i >= scanned and _opens_body(line):
            end = _body_end(lines, i)
            if end > i:
                out.append(" ".join(part.strip() for part in lines[i : end + 1]))
                i = end + 1
                continue
            scanned = i + MAX_BODY_LINES
        out.append(line)
        i += 1
    return out


# A Python traceback pasted on one line (a forum post, a log that folds newlines): its frames,
# the last frame's source and the exception follow each other on the line. Only the first
# MAX_FLAT_CHARS of a line are unfolded, into at most MAX_FLAT_FRAMES frames.
_FLAT_FRAME = re.compile(
    r'(?:Traceback \(most recent call last\):\s*)?File "[^"\n]{0,400}", line \d{1,7}'
)
_FRAME_FUNC = re.compile(r",? in [\w.<>]{1,200}")
_FLAT_EXCEPTION = re.compile(
    r"(?<![\w.])(?:[A-Za-z_]\w{0,60}\.){0,6}[A-Z]\w{0,60}(?:Error|Exception|Exit|Interrupt|Warning)"
    r"(?=: )"
)
MAX_FLAT_CHARS = 20_000
MAX_FLAT_FRAMES = 60


def unfold_flat_traceback(line: str) -> list[str]:
    """A line holding a whole Python traceback, as the lines it was printed on; any other line
    as it is. A frame's source (indented) and the exception line that follow it on the line get
    lines of their own."""
    if line.find('", line ', 0, MAX_FLAT_CHARS) < 0:
        return [line]
    head, tail = line[:MAX_FLAT_CHARS], line[MAX_FLAT_CHARS:]
    starts = [m.start() for m in _FLAT_FRAME.finditer(head)][:MAX_FLAT_FRAMES]
    if not starts or (len(starts) == 1 and not head[_frame_end(head, starts[0]) :].strip()):
        return [line]  # a frame on its own line: the usual print
    out = [head[: starts[0]].rstrip()] if head[: starts[0]].strip() else []
    for begin, end in zip(starts, [*starts[1:], len(head)], strict=True):
        segment = head[begin:end].strip()
        cut = _frame_end(segment, 0)
        out.append(segment[:cut].replace("Traceback (most recent call last):", "").strip())
        rest = segment[cut:].strip()
        if exc := _FLAT_EXCEPTION.search(rest):
            source, rest = rest[: exc.start()].strip(), rest[exc.start() :]
            out.extend([f"    {source}"] if source else [])
            out.append(rest + tail)
            tail = ""
        elif rest:
            out.append(f"    {rest}")
    if tail:
        out[-1] += tail
    return out


def _frame_end(text: str, start: int) -> int:
    """Where the frame that starts at `start` ends: after its `, in func` when it names one."""
    frame = _FLAT_FRAME.match(text, start)
    assert frame is not None  # every start is a match of it
    func = _FRAME_FUNC.match(text, frame.end())
    return func.end() if func else frame.end()


def _opens_body(line: str) -> bool:
    """An error line that opens a JSON body (the pattern is tried only on a line that ends
    with a bracket: most lines do not)."""
    if len(line) > 2_000:
        return False
    line = line.rstrip()
    return line.endswith(("{", "[")) and _OPENS_BODY.search(line) is not None


def _body_end(lines: list[str], start: int) -> int:
    """The index of the line that closes the body opened at `start`, or `start` if none does
    within MAX_BODY_LINES."""
    depth = 0
    for j in range(start, min(len(lines), start + MAX_BODY_LINES)):
        text = lines[j][:2_000]
        depth += text.count("{") + text.count("[") - text.count("}") - text.count("]")
        if depth <= 0 and j > start:
            return j
    return start


class Collector(Protocol):
    """What normalize's collector offers to a format."""

    types: list[str]
    last_source: str  # the last executing source line: a cut trace's best clue
    ipython: bool  # an IPython traceback's header was read: its numbered lines are code

    def key_line(self, line: str, exc_type: str | None = None) -> None: ...

    def frame(self, func: str | None, kind: str) -> None: ...

    def other_line(self, line: str) -> None: ...


def classify(stripped: str, out: Collector) -> bool:
    """Consume one line of a format that normalize's classic rules do not know."""
    if m := _IPYTHON_HEADER.match(stripped):
        out.ipython = True
        if m.group("type") not in out.types:
            out.types.append(m.group("type"))
    elif m := _IPYTHON_ARROW.match(stripped):
        out.last_source = m.group("code")
    elif m := _IPYTHON_FRAME.match(stripped):
        out.frame(qualified(m.group("func"), m.group("path") or m.group("path7")), "python")
    elif out.ipython and _IPYTHON_CELL.search(stripped):
        pass
    elif m := _FAULT_FRAME.match(stripped):
        out.frame(m.group("func"), "python")
    elif _FAULT_THREAD.match(stripped):
        out.other_line("thread most recent call first")
    elif m := _GDB_FRAME.match(stripped):
        func = m.group("func")
        out.frame(func, "native")
        if func in _NATIVE_LOCK:
            out.key_line(NATIVE_LOCK_LINE)
    else:
        return False
    return True


def demote_wrappers(key: list[str], other: list[str]) -> None:
    """Move asyncio's "Task exception was never retrieved" from the key lines to the other
    lines when the task's own exception line is among the key lines."""
    wrappers = [line for line in key if _WRAPPER.search(line)]
    if wrappers and any(_EXCEPTION.match(line) for line in key if line not in wrappers):
        key[:] = [line for line in key if line not in wrappers]
        other[:0] = wrappers
