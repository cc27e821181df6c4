"""Check of option 6: the semaphore pool runs at most 5 at a time, and not fewer.

The reader's application is simulated: `process_item`, an LLM call of 2,000 ms (scaled 100x:
20 ms) that crashes when the item asks it to. Edge cases: crashes inside the pool, a task
cancelled while waiting for a slot and one cancelled while running (no slot may leak or be
gained).
"""

import asyncio
import gc
import time
import warnings

from errata_check import load_snippet, record, scaled

LIMIT = 5
CALL = scaled(2000)
running = 0
max_running = 0


async def process_item(item):
    global running, max_running
    running += 1
    max_running = max(max_running, running)
    try:
        if "gate" in item:
            item["entered"].set()
            await item["gate"].wait()
        await asyncio.sleep(CALL)
        if item.get("crash"):
            raise RuntimeError(f"item {item['n']} crashed")
        return item["n"] * 2
    finally:
        running -= 1


ns = load_snippet({"process_item": process_item})
pool = ns["pool"]


async def fill_pool(gate, count):
    """Start `count` gated items; return their tasks and entry events."""
    items = [{"n": i, "gate": gate, "entered": asyncio.Event()} for i in range(count)]
    tasks = [asyncio.create_task(pool.run(process_item(item))) for item in items]
    return tasks, [item["entered"] for item in items]


async def slots_available():
    """How many gated items get in at once (bounded wait), then let them all finish."""
    gate = asyncio.Event()
    tasks, entered = await fill_pool(gate, LIMIT + 2)
    await asyncio.sleep(5 * CALL)
    got_in = sum(event.is_set() for event in entered)
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 2.0)
    return got_in


async def main():
    global max_running
    items = [{"n": i} for i in range(100)]
    start = time.perf_counter()
    results = await asyncio.wait_for(ns["process_all_items"](items), 5.0)
    elapsed_ms = (time.perf_counter() - start) * 1000
    batches_ms = 100 / LIMIT * CALL * 1000
    record(items=100, limit=LIMIT, max_concurrent=max_running, elapsed_ms=round(elapsed_ms, 1))
    assert results == [i * 2 for i in range(100)], results
    assert max_running == LIMIT, f"{max_running} items ran at once, the limit is {LIMIT}"
    assert elapsed_ms >= 0.95 * batches_ms, f"{elapsed_ms:.0f} ms: the limit did not hold"
    assert elapsed_ms < 3 * batches_ms, f"{elapsed_ms:.0f} ms: slower than {LIMIT} at a time"
    assert pool.stats == {"active": 0, "completed": 100}, pool.stats

    # Crashes inside the pool come back as exceptions and free their slots.
    max_running = 0
    crashing = [{"n": i, "crash": i % 4 == 0} for i in range(20)]
    results = await asyncio.wait_for(ns["process_all_items"](crashing), 5.0)
    crashes = [r for r in results if isinstance(r, RuntimeError)]
    assert len(crashes) == 5 and max_running <= LIMIT, (results, max_running)
    assert pool.stats["active"] == 0, pool.stats

    # A task cancelled while waiting for a slot, and one cancelled while running.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gate = asyncio.Event()
        tasks, entered = await fill_pool(gate, LIMIT + 1)
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in entered[:LIMIT])), 1.0)
        assert not entered[LIMIT].is_set(), "a sixth item got past the limit"
        tasks[LIMIT].cancel()  # waiting for a slot
        tasks[0].cancel()  # running
        await asyncio.sleep(CALL)
        gate.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 2.0)
        del tasks  # the cancelled waiter's coroutine object goes with its task
        gc.collect()
    never_awaited = sum("never awaited" in str(w.message) for w in caught)
    got_in = await slots_available()
    record(
        slots_after_cancellations=got_in,
        unawaited_coroutines_of_cancelled_waiters=never_awaited,
    )
    assert got_in == LIMIT, f"after cancellations {got_in} items got in at once, not {LIMIT}"
    assert pool.stats["active"] == 0, pool.stats


asyncio.run(main())
