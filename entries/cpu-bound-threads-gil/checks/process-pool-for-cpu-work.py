"""Threads cannot use more than one core on CPU-bound work (the GIL); the process pool can.

Wall-clock speed-ups depend on the cores free at that moment (the sandbox caps a run at one CPU and
the host may be busy), so the claims are checked with measures that load cannot fake:
- 8 threads burn at most one core's worth of CPU per wall second (process CPU time / wall time);
- the pool runs the work in several worker processes at overlapping times, each with its own GIL.
The speed-ups are recorded as figures.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor

from errata_check import load_snippet, record

DOCS = [f"doc-{i}" for i in range(8)]
ROUNDS = 200_000
LOG = os.path.join(os.getcwd(), "score-log.txt")


def score(document: str) -> int:
    """The reader's CPU-bound pure-Python function (tokenizing, parsing, scoring...)."""
    start = time.time()
    total = 0
    for i in range(ROUNDS):
        total = (total + i * len(document)) % 1_000_003
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {start} {time.time()}\n")
    return total


def timed(fn) -> tuple[float, float, list[int]]:
    """Wall seconds, CPU seconds of this process (all its threads), result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def threaded() -> list[int]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(score, DOCS))


ns = load_snippet({"score": score})
serial_s, _, expected = timed(lambda: [score(d) for d in DOCS])
threads_s, threads_cpu, threaded_result = timed(threaded)
open(LOG, "w", encoding="utf-8").close()
procs_s, _, procs_result = timed(lambda: ns["score_all"](DOCS, 2))
assert threaded_result == expected == procs_result

threads_cores = threads_cpu / threads_s
assert threads_cores < 1.15, threads_cores  # the GIL: never more than one core busy

with open(LOG, encoding="utf-8") as log:
    spans = [(int(pid), float(a), float(b)) for pid, a, b in (line.split() for line in log)]
pids = {pid for pid, _, _ in spans}
assert len(spans) == len(DOCS) and os.getpid() not in pids and len(pids) == 2, spans
overlap = any(
    p1 != p2 and a1 < b2 and a2 < b1 for p1, a1, b1 in spans for p2, a2, b2 in spans
)
assert overlap, spans  # two interpreters working at the same time, each with its own GIL
record(
    cpus=os.cpu_count(),
    serial_ms=round(serial_s * 1000, 1),
    threads8_ms=round(threads_s * 1000, 1),
    threads8_cores_used=round(threads_cores, 2),
    pool2_ms=round(procs_s * 1000, 1),
    thread_speedup=round(serial_s / threads_s, 2),
    process_speedup=round(serial_s / procs_s, 2),
    pool_worker_processes=len(pids),
)
