"""A sandboxed run: what it may use, its output read under deadline and cap, what happened."""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from .verdict import Verdict, VerdictChannel

TRACEBACK_FILE = re.compile(r'^\s*File "(?:/tmp/)?([^"]+)", line (\d+)')


@dataclass(frozen=True)
class Limits:
    """What one run may use."""

    memory_mb: int = 256
    pids: int = 512
    cpus: float = 1.0  # per run; all runs together are capped at `total_cpus`
    total_cpus: float = 1.0
    output_bytes: int = 1_048_576  # per stream: read past this, the run is killed
    kept_output_bytes: int = 16 * 1024  # per stream: the tail kept in the record
    tmp_bytes: int = 64 * 1_048_576
    file_bytes: int = 16 * 1_048_576
    open_files: int = 256


@dataclass
class SandboxResult:
    """What happened in one run."""

    status: str  # passed | ran_without_error | failed | timeout | error
    exit_code: int | None
    duration_ms: float
    stdout: str
    stderr: str
    figures: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    python_version: str = ""
    sandbox_version: str = ""
    run_id: str = ""  # names the run's cgroups, which are gone when `run` returns

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class Collected:
    """The run's output (decoded, the last `kept` bytes) and why reading stopped early."""

    stdout: str
    stderr: str
    timed_out: bool = False
    output_capped: bool = False


class _Tail:
    """The last `kept` bytes of a stream and how many were read in all."""

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self.total = 0
        self.data = bytearray()

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.data += chunk
        if len(self.data) > 2 * self.kept:
            del self.data[: len(self.data) - self.kept]

    def text(self) -> str:
        data = bytes(self.data[-self.kept :]) if self.kept else b""
        cut = self.total - len(data)
        note = f"[... {cut} earlier bytes not kept]\n" if cut else ""
        return note + _text(data)


def collect_output(
    proc: subprocess.Popen[bytes],
    deadline: float,
    cap: int,
    *,
    kept: int | None = None,
    channel: VerdictChannel | None = None,
) -> Collected:
    """Read stdout, stderr (and the verdict channel) until the process exits, the deadline
    passes or a stream exceeds `cap` bytes; keep the last `kept` bytes of each stream. The
    caller kills the run's cgroup afterwards."""
    assert proc.stdout is not None and proc.stderr is not None
    tails = {
        fd: _Tail(cap if kept is None else kept)
        for fd in (proc.stdout.fileno(), proc.stderr.fileno())
    }
    selector = selectors.DefaultSelector()
    for fd in [*tails, *([channel.read_fd] if channel else [])]:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    timed_out = capped = False
    try:
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            events = selector.select(min(remaining, 0.25))
            for key, _ in events:
                capped |= _read_one(selector, int(key.fd), tails, channel, cap)
            if capped:
                break
            if not events and proc.poll() is not None:
                break  # exited; a straggler holding the pipes is killed with the cgroup
    finally:
        selector.close()
    if not (timed_out or capped):  # both pipes closed: the program may still be running
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    if timed_out or capped:
        _kill_group(proc)
    out, err = (tail.text() for tail in tails.values())
    return Collected(out, err, timed_out, capped)


def _read_one(
    selector: selectors.BaseSelector,
    fd: int,
    tails: dict[int, _Tail],
    channel: VerdictChannel | None,
    cap: int,
) -> bool:
    """Read what one ready descriptor holds; True when its stream went over the cap."""
    try:
        chunk = os.read(fd, 65536)
    except BlockingIOError:
        return False
    if not chunk:
        selector.unregister(fd)
        return False
    if fd not in tails:
        assert channel is not None
        channel.feed(chunk)
        return False
    tails[fd].add(chunk)
    return tails[fd].total > cap


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def error_line(stderr: str) -> str:
    """The last line of a traceback, with where it was raised (file, line) when shown."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1].strip()
    where = ""
    for line in reversed(lines):
        match = TRACEBACK_FILE.match(line)
        if match:
            where = f" ({match.group(1)}, line {match.group(2)})"
            break
    return (last + where)[:500]


def summarize(
    collected: Collected,
    returncode: int | None,
    *,
    timeout: float,
    limits: Limits,
    oom_kills: int,
    pids_hits: int,
    verdict: Verdict,
    expected: str,
) -> tuple[str, str]:
    """(status, error summary) of a finished run.

    `expected` is the status an accepted verdict record gives ("passed" for a check,
    "ran_without_error" for a snippet run on its own); nothing else makes it.
    """
    status, error = _classify(
        collected, returncode, timeout=timeout, limits=limits, oom_kills=oom_kills
    )
    if status == "":
        if verdict.verdict == expected and returncode == 0:
            return expected, ""
        status, error = "failed", verdict.problem or _failure(collected, returncode, expected)
    if pids_hits and status != expected:
        error += f" (process limit {limits.pids} reached)"
    return status, error


def _classify(
    collected: Collected, returncode: int | None, *, timeout: float, limits: Any, oom_kills: int
) -> tuple[str, str]:
    """The limit that ended the run, or ("", "") when none did."""
    if collected.timed_out:
        return "timeout", f"killed: wall time limit {timeout:g} s"
    if collected.output_capped:
        return "error", f"killed: output limit {size_text(limits.output_bytes)}"
    if oom_kills:
        return "error", f"killed: memory limit {limits.memory_mb} MiB"
    if returncode is not None and returncode in (128 + signal.SIGXCPU, -signal.SIGXCPU):
        return "timeout", "killed: CPU time limit"
    if returncode == 1 and collected.stderr.startswith("bwrap:"):
        return "error", f"sandbox failed: {collected.stderr.strip().splitlines()[0]}"
    return "", ""


def _failure(collected: Collected, returncode: int | None, expected: str) -> str:
    """Why a run that recorded no verdict failed: its traceback, signal or early exit."""
    signum = 0 if returncode is None else returncode - 128 if returncode > 128 else -returncode
    if signum > 0 and signum in signal.valid_signals():
        return f"killed by signal {signal.Signals(signum).name}"
    error = error_line(collected.stderr)
    if error:
        return error
    what = "its check" if expected == "passed" else "it"
    return f"exited with code {returncode} before {what} reached its end (no verdict recorded)"


def size_text(n: int) -> str:
    """1048576 -> '1 MiB'."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"


def reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the run's process (killing it after 5 s) and close its pipes."""
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def memfd(name: str, data: bytes) -> int:
    """A sealed-in-memory file holding `data`, read from its start (close-on-exec)."""
    fd = os.memfd_create(f"errata-{name}", os.MFD_CLOEXEC)
    try:
        _write_all(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
