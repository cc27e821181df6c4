"""Read a sandboxed run's output under its deadline and cap, and say what happened."""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import Any

TRACEBACK_FILE = re.compile(r'^\s*File "(?:/tmp/)?([^"]+)", line (\d+)')


@dataclass
class Collected:
    """The run's output (decoded, capped) and why reading stopped early, if it did."""

    stdout: str
    stderr: str
    timed_out: bool = False
    output_capped: bool = False


def collect_output(proc: subprocess.Popen[bytes], deadline: float, cap: int) -> Collected:
    """Read stdout and stderr until the process exits, the deadline passes or a stream
    exceeds `cap` bytes; the caller kills the run's cgroup afterwards."""
    assert proc.stdout is not None and proc.stderr is not None
    buffers: dict[int, bytearray] = {
        proc.stdout.fileno(): bytearray(),
        proc.stderr.fileno(): bytearray(),
    }
    selector = selectors.DefaultSelector()
    for fd in buffers:
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
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    selector.unregister(fd)
                    continue
                buffers[fd] += chunk
                if len(buffers[fd]) > cap:
                    capped = True
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
    out, err = (bytes(b[:cap]) for b in buffers.values())
    return Collected(_text(out), _text(err), timed_out, capped)


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
    limits: Any,
    oom_kills: int,
    pids_hits: int,
) -> tuple[str, str]:
    """(status, error summary) of a finished run."""
    status, error = _classify(
        collected, returncode, timeout=timeout, limits=limits, oom_kills=oom_kills
    )
    if pids_hits and status != "passed":
        error += f" (process limit {limits.pids} reached)"
    return status, error


def _classify(
    collected: Collected, returncode: int | None, *, timeout: float, limits: Any, oom_kills: int
) -> tuple[str, str]:
    if collected.timed_out:
        return "timeout", f"killed: wall time limit {timeout:g} s"
    if collected.output_capped:
        return "error", f"killed: output limit {size_text(limits.output_bytes)}"
    if oom_kills:
        return "error", f"killed: memory limit {limits.memory_mb} MiB"
    if returncode == 0:
        return "passed", ""
    if returncode is not None and returncode in (128 + signal.SIGXCPU, -signal.SIGXCPU):
        return "timeout", "killed: CPU time limit"
    if returncode == 1 and collected.stderr.startswith("bwrap:"):
        return "error", f"sandbox failed: {collected.stderr.strip().splitlines()[0]}"
    error = error_line(collected.stderr) or f"exit code {returncode}"
    signum = 0 if returncode is None else returncode - 128 if returncode > 128 else -returncode
    if signum > 0 and signum in signal.valid_signals():
        error = f"killed by signal {signal.Signals(signum).name}"
    return "failed", error


def size_text(n: int) -> str:
    """1048576 -> '1 MiB'."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"
