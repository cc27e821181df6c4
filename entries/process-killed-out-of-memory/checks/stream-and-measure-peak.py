"""A child that loads a whole CSV at once is killed at a memory budget; streamed, it stays under.

What this simulates: the sandbox cannot give a child a cgroup of its own (and a real OOM kill
would end the whole run), so the check's parent plays the kernel's OOM killer: it polls the
child's resident memory (VmRSS in /proc/<pid>/status) every millisecond and sends SIGKILL when it
passes a 48 MiB budget, as the kernel does at a container's memory limit. A RLIMIT_AS of 160 MiB
keeps every child far below the sandbox's own limit. A second run with only an address-space
limit (RLIMIT_AS 64 MiB) shows the other way memory runs out: MemoryError instead of a kill.
"""

import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
describe_exit, totals_by_key, batched = ns["describe_exit"], ns["totals_by_key"], ns["batched"]
cgroup_memory, peak_rss_mib = ns["cgroup_memory"], ns["peak_rss_mib"]

WORK = Path(tempfile.mkdtemp())
DATA = WORK / "events.csv"
ROWS = 200_000
BUDGET_MIB = 48  # the simulated container limit
BACKSTOP = 160 * 2**20  # RLIMIT_AS of every child: never near the sandbox's own limit

expected: dict[str, float] = {}
with open(DATA, "w", encoding="utf-8") as f:
    f.write("user,country,amount\n")
    for i in range(ROWS):
        country, amount = f"c{i % 23:02d}", i % 997
        f.write(f"u{i},{country},{amount}\n")
        expected[country] = expected.get(country, 0.0) + amount

WRONG = """
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))  # all at once
totals = {}
for row in rows:
    totals[row["country"]] = totals.get(row["country"], 0.0) + float(row["amount"])
print(json.dumps(totals))
"""
RIGHT = """
import json, sys
from errata_check import load_snippet
print(json.dumps(load_snippet()["totals_by_key"](sys.argv[1], "country", "amount")))
"""


def rss_mib(pid: int) -> float:
    """The process's resident memory now (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(name: str, program: str, *, budget_mib: float | None, address_space: int) -> dict:
    """Run `program` on DATA under the limits; its exit status, peak (ru_maxrss) and output."""
    script = Path(f"{name}.py")  # in the working folder, next to snippet.py and errata_check.py
    out, err = WORK / f"{name}.out", WORK / f"{name}.err"
    script.write_text(textwrap.dedent(program), encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-S", str(script), str(DATA)],
                                stdout=stdout, stderr=stderr, preexec_fn=limit)
    pid = proc.pid
    deadline, killed_at = time.monotonic() + 30, 0.0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        rss = rss_mib(pid)
        if budget_mib is not None and rss > budget_mib and not killed_at:
            os.kill(pid, signal.SIGKILL)  # what the OOM killer does at the cgroup's limit
            killed_at = rss
        assert time.monotonic() < deadline, f"{name} did not finish"
        time.sleep(0.001)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, with its rusage
    return {
        "returncode": proc.returncode,
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "killed_at_mib": round(killed_at, 1),
        "stdout": out.read_text(encoding="utf-8"),
        "stderr": err.read_text(encoding="utf-8"),
    }


# 1. All at once, under the 48 MiB budget: killed with SIGKILL, read as "likely out of memory".
killed = run("wrong", WRONG, budget_mib=BUDGET_MIB, address_space=BACKSTOP)
assert killed["returncode"] == -signal.SIGKILL, killed
assert killed["killed_at_mib"] >= BUDGET_MIB and killed["stdout"] == "", killed
verdict = describe_exit(killed["returncode"])
assert verdict.startswith("killed by SIGKILL: likely out of memory"), verdict
assert describe_exit(128 + 9) == verdict  # the same kill as a shell or Docker reports it (137)
assert describe_exit(143).startswith("stopped by SIGTERM") and "not memory" in describe_exit(-15)
assert describe_exit(1) == "exited with code 1" and describe_exit(-6) == "killed by SIGABRT"

# Without the budget the same load completes, and its peak shows what it needed at once.
needed = run("wrong-unlimited", WRONG, budget_mib=None, address_space=BACKSTOP)
assert needed["returncode"] == 0 and json.loads(needed["stdout"]) == expected, needed
assert needed["peak_mib"] > 1.5 * BUDGET_MIB, needed

# 2. Streamed row by row under the same budget: it finishes, with the same totals, far below it.
streamed = run("right", RIGHT, budget_mib=BUDGET_MIB, address_space=BACKSTOP)
assert streamed["returncode"] == 0, streamed
assert json.loads(streamed["stdout"]) == expected
assert streamed["peak_mib"] < BUDGET_MIB / 2, streamed

# 3. Only an address-space limit (ulimit -v, RLIMIT_AS): the load fails with MemoryError instead.
small = 64 * 2**20
no_room = run("wrong-as", WRONG, budget_mib=None, address_space=small)
assert no_room["returncode"] == 1 and "MemoryError" in no_room["stderr"], no_room
fits = run("right-as", RIGHT, budget_mib=None, address_space=small)
assert fits["returncode"] == 0 and json.loads(fits["stdout"]) == expected, fits


# 4. A process pool: a worker that loads the whole file is killed, and the pool breaks.
def backstop() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (BACKSTOP, BACKSTOP))


def sum_file_at_once(path: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        totals[row["country"]] = totals.get(row["country"], 0.0) + float(row["amount"])
    return totals


def sum_batch(batch: list[tuple[str, float]]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for country, amount in batch:
        totals[country] = totals.get(country, 0.0) + amount
    return totals


class Watchdog(threading.Thread):
    """Plays the OOM killer for a pool's workers: SIGKILL any worker above the budget."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        super().__init__(daemon=True)
        self.pool, self.stop, self.kills, self.peak = pool, threading.Event(), 0, 0.0

    def run(self) -> None:
        while not self.stop.wait(0.001):
            for pid in list(self.pool._processes or {}):
                rss = rss_mib(pid)
                self.peak = max(self.peak, rss)
                if rss > BUDGET_MIB:
                    os.kill(pid, signal.SIGKILL)
                    self.kills += 1


def with_watchdog(work):
    pool = ProcessPoolExecutor(max_workers=2, initializer=backstop)
    watchdog = Watchdog(pool)
    watchdog.start()
    try:
        return work(pool), watchdog
    finally:
        watchdog.stop.set()
        watchdog.join()
        pool.shutdown(wait=True, cancel_futures=True)


def whole_file(pool: ProcessPoolExecutor) -> str:
    try:
        pool.submit(sum_file_at_once, str(DATA)).result(timeout=30)
    except BrokenProcessPool as exc:
        return f"{type(exc).__name__}: {exc}"
    return "finished"


def in_batches(pool: ProcessPoolExecutor) -> dict[str, float]:
    """Stream rows from the parent, 5,000 per task, at most 4 tasks in flight."""
    totals: dict[str, float] = {}
    pending: set = set()

    def merge(done) -> None:
        for part in done:
            for country, amount in part.result().items():
                totals[country] = totals.get(country, 0.0) + amount

    with open(DATA, newline="", encoding="utf-8") as f:
        rows = ((row["country"], float(row["amount"])) for row in csv.DictReader(f))
        for batch in batched(rows, 5_000):
            if len(pending) >= 4:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                merge(done)
            pending.add(pool.submit(sum_batch, batch))
    merge(wait(pending).done)
    return totals


broken, pool_kill = with_watchdog(whole_file)
assert broken == (
    "BrokenProcessPool: A process in the process pool was terminated abruptly "
    "while the future was running or pending."
), broken
assert pool_kill.kills >= 1
pool_totals, pool_ok = with_watchdog(in_batches)
assert pool_ok.kills == 0 and pool_ok.peak < BUDGET_MIB, pool_ok.peak
assert pool_totals == expected  # integer amounts: exact in any order

# 5. The container's own figures: cgroup v2 files, v1 files, and none (not in a container).
v2, v1 = WORK / "v2", WORK / "v1"
(v1 / "memory").mkdir(parents=True)
v2.mkdir()
for name, text in (("memory.max", "max\n"), ("memory.current", "1048576\n"), ("memory.peak", "2097152\n")):
    (v2 / name).write_text(text, encoding="utf-8")
(v1 / "memory" / "memory.limit_in_bytes").write_text("268435456\n", encoding="utf-8")
assert cgroup_memory(str(v2)) == {"limit": None, "current": 1048576, "peak": 2097152}
assert cgroup_memory(str(v1)) == {"limit": 268435456, "current": None, "peak": None}
assert cgroup_memory(str(WORK / "none")) == {"limit": None, "current": None, "peak": None}
assert 1 < peak_rss_mib() < BUDGET_MIB  # this check's own peak, from ru_maxrss

record(
    budget_mib=BUDGET_MIB,
    all_at_once_returncode=killed["returncode"],
    all_at_once_verdict=verdict,
    all_at_once_needed_peak_mib=needed["peak_mib"],
    streamed_peak_mib=streamed["peak_mib"],
    address_space_limit_mib=64,
    all_at_once_under_rlimit_as="MemoryError",
    pool_whole_file=broken,
    pool_in_batches_worker_peak_mib=round(pool_ok.peak, 1),
)
