"""Check of option 1: the wrong-vs-right benchmark with 10 workers, latencies scaled 100x.

The article claims 10 workers take 52,000 ms when the lock covers the LLM call and ~5,210 ms
when it covers only the state update. The reader's application (database, LLM, transform,
shared results) is simulated here with the article's own latencies.
"""

import asyncio
import time

from errata_check import load_snippet, record, scaled

WORKERS = 10
DEADLINE = 10.0  # seconds; every wait below is bounded
in_llm = 0
max_in_llm = 0


async def fetch_from_database(item_id):
    await asyncio.sleep(scaled(200))
    return {"item_id": item_id}


async def call_llm(data):
    global in_llm, max_in_llm
    in_llm += 1
    max_in_llm = max(max_in_llm, in_llm)
    try:
        if data["item_id"] == "crash":
            raise ConnectionError("LLM API went away")
        await asyncio.sleep(scaled(5000))
        return "answer for " + data["item_id"]
    finally:
        in_llm -= 1


def transform_result(result):
    end = time.perf_counter() + scaled(1)
    while time.perf_counter() < end:
        pass
    return result.upper()


shared_results = {}
ns = load_snippet(
    {
        "fetch_from_database": fetch_from_database,
        "call_llm": call_llm,
        "transform_result": transform_result,
        "shared_results": shared_results,
    }
)


class TimedLock(asyncio.Lock):
    """An asyncio.Lock that remembers how long it was held each time."""

    def __init__(self):
        super().__init__()
        self.holds = []
        self._since = 0.0

    async def acquire(self):
        await super().acquire()
        self._since = time.perf_counter()
        return True

    def release(self):
        self.holds.append(time.perf_counter() - self._since)
        super().release()


async def run_workers(make_call):
    global max_in_llm
    max_in_llm = 0
    start = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(*(make_call(f"item_{i}") for i in range(WORKERS))), DEADLINE
    )
    return (time.perf_counter() - start) * 1000.0, max_in_llm


async def main():
    wrong_lock = TimedLock()
    wrong_ms, wrong_parallel = await run_workers(
        lambda item: ns["process_item_wrong"](item, wrong_lock)
    )
    assert sorted(shared_results) == [f"item_{i}" for i in range(WORKERS)], shared_results

    state = ns["SharedAgentState"](_lock=TimedLock())
    right_ms, right_parallel = await run_workers(
        lambda item: ns["process_item_correct"](item, state)
    )
    assert state._results == shared_results, "the right version must store the same results"

    one_worker_ms = scaled(200 + 5000 + 1) * 1000.0
    speedup = wrong_ms / right_ms
    record(
        workers=WORKERS,
        latency_scale=100,
        wrong_ms=round(wrong_ms, 1),
        right_ms=round(right_ms, 1),
        speedup=round(speedup, 2),
        wrong_ms_at_article_scale=round(wrong_ms * 100),
        right_ms_at_article_scale=round(right_ms * 100),
        claimed_wrong_ms=52000,
        claimed_right_ms=5210,
        claimed_speedup=round(52000 / 5210, 2),
        wrong_max_lock_hold_ms=round(max(wrong_lock.holds) * 1000.0, 2),
        right_max_lock_hold_ms=round(max(state._lock.holds) * 1000.0, 3),
        wrong_llm_calls_in_parallel=wrong_parallel,
        right_llm_calls_in_parallel=right_parallel,
    )
    assert wrong_parallel == 1, "the wrong version should serialize the LLM calls"
    assert right_parallel == WORKERS, f"only {right_parallel} LLM calls overlapped"
    assert wrong_ms >= 0.95 * WORKERS * one_worker_ms, f"wrong took only {wrong_ms:.0f} ms"
    assert right_ms <= 3.0 * one_worker_ms, f"right took {right_ms:.0f} ms, not ~{one_worker_ms} ms"
    assert speedup >= WORKERS / 2, f"speed-up {speedup:.1f}x, the article claims ~10x"
    assert max(state._lock.holds) < scaled(100), "the right version held its lock too long"

    # A crash inside the critical section still releases the lock (async with).
    crash_lock = TimedLock()
    try:
        await asyncio.wait_for(ns["process_item_wrong"]("crash", crash_lock), DEADLINE)
    except ConnectionError:
        pass
    else:
        raise AssertionError("the simulated LLM failure should have propagated")
    assert not crash_lock.locked(), "the lock stayed held after a crash"
    await asyncio.wait_for(ns["process_item_wrong"]("after-crash", crash_lock), 1.0)


asyncio.run(main())
