"""Startup figures: `errata --help`, and a cold `errata mcp` answering initialize + tools/list.

Each run is a fresh process (cold: nothing of errata imported yet) started from a temp
folder with its own HOME; `mcp` runs against a data folder loaded once beforehand, and once
against an empty one (the very first start, which loads the entries). Wall time is what a
client waits; CPU time (user + sys of the child, for `mcp` until it answered tools/list) is
what the machine's load does not inflate.
Goals: --help <= 0.3 s, mcp initialize + tools/list <= 1.0 s.

    .venv/bin/python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ERRATA = Path(sys.executable).with_name("errata")
TIMEOUT = 60.0
HANDSHAKE = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_help(env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `errata --help`."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([str(ERRATA), "--help"], env=env, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + sys) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_mcp(env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall seconds until `errata mcp` answers tools/list, and the child's CPU seconds until
    then (what the machine's load does not inflate; the entries keep loading after it)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(ERRATA), "mcp"],
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(json.dumps(m) + "\n" for m in HANDSHAKE))
    proc.stdin.flush()
    wall, answered_cpu = TIMEOUT, float("nan")
    for line in proc.stdout:
        if json.loads(line).get("id") == 2:
            wall = time.perf_counter() - start
            answered_cpu = _cpu_of(proc.pid)
            break
    proc.stdin.close()
    proc.wait(timeout=TIMEOUT)
    return wall, answered_cpu


def _line(name: str, runs: list[tuple[float, float]], goal: float) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    median = statistics.median(walls)
    verdict = "meets" if median <= goal else "misses"
    return (
        f"{name:<34} wall median {median:.2f} s (min {min(walls):.2f}, max {max(walls):.2f})"
        f"  cpu median {statistics.median(cpus):.2f} s (max {max(cpus):.2f})"
        f"  goal {goal:.1f} s: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = max(1, min(parser.parse_args().runs, 20))
    with tempfile.TemporaryDirectory() as tmp:
        home, cwd = Path(tmp) / "home", Path(tmp) / "project"
        home.mkdir()
        cwd.mkdir()
        env = {**os.environ, "HOME": str(home), "ERRATA_SANDBOX": "off"}
        for name in ("ERRATA_DATA_DIR", "ERRATA_ENTRIES_DIR", "XDG_DATA_HOME"):
            env.pop(name, None)
        first = [time_mcp(env, cwd)]  # empty data folder: loads the entries
        helps = [time_help(env, cwd) for _ in range(runs)]
        mcps = [time_mcp(env, cwd) for _ in range(runs)]
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, {runs} runs")
        print(_line("errata --help", helps, 0.3))
        print(_line("errata mcp: initialize + tools/list", mcps, 1.0))
        print(_line("  first start (empty data folder)", first, 1.0))
        print(f"written under the working directory: {sorted(os.listdir(cwd)) or 'nothing'}")


if __name__ == "__main__":
    main()
