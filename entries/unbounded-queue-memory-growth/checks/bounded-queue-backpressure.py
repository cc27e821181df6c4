"""A producer far faster than its consumers: unbounded backlog, memory and latency vs a bounded queue."""

import asyncio
import queue
import time
import tracemalloc

from errata_check import load_snippet, record

ns = load_snippet()
pipeline, offer = ns["pipeline"], ns["offer"]

ITEMS, PAYLOAD, WORKERS = 600, 16 * 1024, 2


def run(maxsize: int) -> dict:
    stats = {"peak_backlog": 0, "max_wait_ms": 0.0, "done": 0}
    backlog = {"n": 0}

    async def produce():
        for i in range(ITEMS):
            backlog["n"] += 1
            stats["peak_backlog"] = max(stats["peak_backlog"], backlog["n"])
            item = [None, bytes(PAYLOAD), i]  # a request body waiting to be processed
            yield item
            item[0] = time.monotonic()  # resumed right after put() returned: the enqueue time

    async def consume(item) -> None:
        queued_at, _body, i = item
        backlog["n"] -= 1
        stats["max_wait_ms"] = max(stats["max_wait_ms"], (time.monotonic() - queued_at) * 1000)
        await asyncio.sleep(0.002)  # the consumer's slower work (a database write, an API call)
        if i == 13:
            raise ValueError("one bad item")
        stats["done"] += 1

    tracemalloc.start()
    start = time.monotonic()
    errors = asyncio.run(pipeline(produce, consume, maxsize=maxsize, workers=WORKERS))
    stats["elapsed_s"] = time.monotonic() - start
    stats["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert len(errors) == 1 and stats["done"] == ITEMS - 1, (errors, stats["done"])
    return stats


unbounded = run(maxsize=0)  # asyncio.Queue(): the wrong pattern
bounded = run(maxsize=20)

assert unbounded["peak_backlog"] >= ITEMS - 5, unbounded
assert bounded["peak_backlog"] <= 20 + WORKERS + 1, bounded
assert unbounded["peak_mib"] > 5 * bounded["peak_mib"], (unbounded, bounded)
assert unbounded["max_wait_ms"] > 5 * bounded["max_wait_ms"], (unbounded, bounded)
assert bounded["elapsed_s"] < unbounded["elapsed_s"] * 1.5  # same throughput, just no backlog

# Threads: a full bounded queue refuses quickly instead of growing.
jobs: queue.Queue = queue.Queue(maxsize=3)
accepted = [offer(jobs, n, timeout=0.01) for n in range(5)]
assert accepted == [True, True, True, False, False] and jobs.qsize() == 3

record(
    items=ITEMS,
    unbounded_peak_backlog=unbounded["peak_backlog"],
    bounded_peak_backlog=bounded["peak_backlog"],
    unbounded_peak_mib=round(unbounded["peak_mib"], 2),
    bounded_peak_mib=round(bounded["peak_mib"], 2),
    unbounded_max_wait_ms=round(unbounded["max_wait_ms"], 1),
    bounded_max_wait_ms=round(bounded["max_wait_ms"], 1),
    unbounded_s=round(unbounded["elapsed_s"], 3),
    bounded_s=round(bounded["elapsed_s"], 3),
)
