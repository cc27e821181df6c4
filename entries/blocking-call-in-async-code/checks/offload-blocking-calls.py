"""Blocking calls in async code serialize every request and starve a heartbeat; to_thread does not."""

import asyncio
import logging
import time

from errata_check import load_snippet, record, scaled

BLOCK_S = scaled(5000)  # a 5 s sync call in the story, 50 ms here
REQUESTS = 10


def legacy_lookup(request_id: int) -> dict:
    """The reader's blocking call (sync DB driver, requests.get...)."""
    time.sleep(BLOCK_S)
    return {"id": request_id}


async def wrong_handle(request_id: int) -> dict:
    return legacy_lookup(request_id)  # the bug: blocks the loop


async def run(handler) -> tuple[float, float]:
    """Serve REQUESTS at once next to a 5 ms heartbeat; return elapsed time and worst heartbeat gap."""
    gaps = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    rows = await asyncio.gather(*(handler(i) for i in range(REQUESTS)))
    elapsed = time.perf_counter() - start
    stop.set()
    await beat
    assert [r["id"] for r in rows] == list(range(REQUESTS))
    return elapsed, max(gaps)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, rec: logging.LogRecord) -> None:
        self.lines.append(rec.getMessage())


collector = Collect()
logging.getLogger("asyncio").addHandler(collector)


async def debug_run(handler):
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = BLOCK_S / 2
    return await run(handler)


wrong_s, wrong_gap = asyncio.run(debug_run(wrong_handle), debug=True)
# asyncio.run's own clean-up (joining the executor's threads, closing async generators) is not
# the app's code: on a busy machine it can take longer than the threshold by itself
LOOP_CLEANUP = ("shutdown_default_executor", "shutdown_asyncgens")


def slow_tasks(lines: list[str]) -> list[str]:
    """The slow-callback warnings about the program's own tasks."""
    return [
        line
        for line in lines
        if line.startswith("Executing <Task") and not any(c in line for c in LOOP_CLEANUP)
    ]


slow_lines = slow_tasks(collector.lines)
assert slow_lines and " took " in slow_lines[0] and slow_lines[0].endswith(" seconds"), collector.lines

ns = load_snippet({"legacy_lookup": legacy_lookup})
collector.lines.clear()
right_s, right_gap = asyncio.run(debug_run(ns["handle"]), debug=True)
# the fix never holds the loop for a blocking call's length (a busy machine may still delay a
# step past the warning's threshold, by far less than the call itself)
took = [float(line.rsplit(" took ", 1)[1].split()[0]) for line in slow_tasks(collector.lines)]
assert all(seconds < BLOCK_S * 0.9 for seconds in took), collector.lines
assert asyncio.run(ns["serve"]([1, 2])) == [{"id": 1}, {"id": 2}]

assert wrong_s >= REQUESTS * BLOCK_S * 0.9, wrong_s  # serialized: 10 x 50 ms
assert wrong_gap >= BLOCK_S * REQUESTS * 0.9, wrong_gap  # heartbeat starved for the whole batch
assert right_s * 3 < wrong_s, (right_s, wrong_s)
assert right_gap < wrong_gap / 3, (right_gap, wrong_gap)
record(
    wrong_ms=round(wrong_s * 1000, 1),
    right_ms=round(right_s * 1000, 1),
    speedup=round(wrong_s / right_s, 1),
    wrong_worst_heartbeat_gap_ms=round(wrong_gap * 1000, 1),
    right_worst_heartbeat_gap_ms=round(right_gap * 1000, 1),
)
