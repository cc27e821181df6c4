"""A process killed for memory at one step: read the kill, measure the peak, stream the data."""

import csv
import itertools
import resource
import signal
import sys
from collections import defaultdict
from pathlib import Path

# WRONG: load the whole input at once, then work on it. Peak memory is the whole data set
# (plus Python's per-object overhead, often 5-10x the file size), so a bigger file, a bigger
# model or one more pool worker holding its own copy crosses the container's limit and the
# kernel kills the process: a bare "Killed" in the shell, exit code 137, OOMKilled.
#     rows = list(csv.DictReader(open(path)))        # or f.read(), f.readlines(), json.load
#     totals = {}
#     for row in rows: ...


def describe_exit(returncode: int) -> str:
    """What a child's exit status says. Python gives -9 for SIGKILL; a shell or Docker, 137."""
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if signum == signal.SIGKILL:
        return (
            "killed by SIGKILL: likely out of memory (the kernel's OOM killer or the container's "
            "memory limit; check dmesg, kubectl describe pod for OOMKilled, memory.peak)"
        )
    if signum == signal.SIGTERM:
        return "stopped by SIGTERM: a shutdown (deploy, scale-down, docker stop), not memory"
    if signum in signal.valid_signals() and signum > 0:
        return f"killed by {signal.Signals(signum).name}"
    return f"exited with code {returncode}"


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far, in MiB (RUSAGE_CHILDREN: the largest waited-for child)."""
    peak = resource.getrusage(who).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def cgroup_memory(root: str = "/sys/fs/cgroup") -> dict[str, int | None]:
    """This container's memory limit, current use and peak in bytes (cgroup v2, else v1)."""
    names = {
        "limit": ("memory.max", "memory/memory.limit_in_bytes"),
        "current": ("memory.current", "memory/memory.usage_in_bytes"),
        "peak": ("memory.peak", "memory/memory.max_usage_in_bytes"),
    }
    found: dict[str, int | None] = {}
    for key, paths in names.items():
        found[key] = None
        for name in paths:
            try:
                text = (Path(root) / name).read_text(encoding="utf-8").strip()
            except OSError:
                continue
            found[key] = None if text == "max" else int(text)  # "max": no limit (v2)
            break
    return found


def batched(iterable, size: int):
    """Lists of at most `size` items, read lazily (itertools.batched from Python 3.12)."""
    items = iter(iterable)
    while batch := list(itertools.islice(items, size)):
        yield batch


def totals_by_key(path: str, key: str, value: str) -> dict[str, float]:
    """Sum one CSV column per key, reading row by row: memory stays flat whatever the file size."""
    totals: defaultdict[str, float] = defaultdict(float)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            totals[row[key]] += float(row[value])
    return dict(totals)
