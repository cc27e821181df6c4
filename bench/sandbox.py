"""Sandbox overhead per run: median wall time of `print(1)` in the sandbox vs bare python,
and of `console.log(1)` in the sandbox vs bare Node (when Node is available).

    .venv/bin/python bench/sandbox.py [--runs N]

Bare means Debian's `/usr/bin/python3 -I -S` started with subprocess from this process (the
interpreter the sandbox runs); sandboxed means `Sandbox.run("print(1)", None)`, i.e. cgroups,
prlimit, setpriv, bwrap, seccomp, file setup and the cleanup afterwards. Prints figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from errata.harness import cgroups, runtimes
from errata.harness.sandbox import PYTHON, Sandbox

BARE = {"python": [PYTHON, "-I", "-S", "-c", "print(1)"], "javascript": ["-e", "console.log(1)"]}
CODE = {"python": "print(1)", "javascript": "console.log(1)"}


def _bare(language: str = "python") -> float:
    argv = BARE[language] if language == "python" else [runtimes.find_node(), *BARE[language]]
    started = time.perf_counter()
    subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={},
        check=True,
    )
    return (time.perf_counter() - started) * 1000


def _sandboxed(box: Sandbox, language: str = "python") -> float:
    started = time.perf_counter()
    result = box.run(CODE[language], None, timeout=10, language=language)
    elapsed = (time.perf_counter() - started) * 1000
    if result.status != "ran_without_error" or result.stdout != "1\n":
        raise SystemExit(f"sandboxed {CODE[language]} did not pass: {result}")
    return elapsed


def _node_figures(box: Sandbox, runs: int) -> dict[str, object]:
    """The same comparison for Node: bare `node -e` vs a sandboxed JavaScript run."""
    if not box.node_available:
        return {"node": box.node_reason}
    bare = [_bare("javascript") for _ in range(runs)]
    boxed = [_sandboxed(box, "javascript") for _ in range(runs)]
    return {
        "node_version": box.node_version,
        "bare_node_median_ms": round(statistics.median(bare), 1),
        "node_sandboxed_median_ms": round(statistics.median(boxed), 1),
        "node_overhead_median_ms": round(statistics.median(boxed) - statistics.median(bare), 1),
    }


def _other_runs() -> int:
    """Sandbox runs of other processes going on now (they share the sandboxes' CPU cap)."""
    parent = cgroups.CGROUP_ROOT / "pids" / cgroups.PARENT
    mine = f"run-{os.getpid()}-"
    return sum(
        1 for d in parent.iterdir() if d.name.startswith("run-") and not d.name.startswith(mine)
    )


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40, help="runs of each (1-500)")
    args = parser.parse_args()
    runs = max(1, min(args.runs, 500))
    started = time.perf_counter()
    box = Sandbox()
    startup_ms = (time.perf_counter() - started) * 1000
    if not box.available:
        print(f"sandbox unavailable: {box.reason}", file=sys.stderr)
        return 1
    bare: list[float] = []
    boxed: list[float] = []
    others: list[int] = []
    for _ in range(runs):  # interleaved, so drift in machine load hits both alike
        bare.append(_bare())
        others.append(_other_runs())
        boxed.append(_sandboxed(box))
    figures = {
        "runs": runs,
        "sandbox_version": box.version,
        "startup_self_test_ms": round(startup_ms, 1),
        "bare_python_median_ms": round(statistics.median(bare), 1),
        "sandboxed_median_ms": round(statistics.median(boxed), 1),
        "overhead_median_ms": round(statistics.median(boxed) - statistics.median(bare), 1),
        "sandboxed_p90_ms": round(statistics.quantiles(boxed, n=10)[-1], 1) if runs > 1 else None,
        "other_sandbox_runs_max": max(others),  # > 0: others shared the 1-CPU sandbox cap
        "loadavg_1min": os.getloadavg()[0],
        **_node_figures(box, runs),
    }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
