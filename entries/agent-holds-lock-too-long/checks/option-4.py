"""Check of option 4: a single worker serializes submitted work, returns results, passes errors.

The reader's application is simulated: `fetch_data` (200 ms), `call_llm` (5,000 ms), both
scaled 100x, `update_shared_state`, and the payloads `data_1`..`data_3`. The published code
is run as a module, as a reader would paste it. Edge cases: a failing item, and a caller
cancelled while its item waits in the queue (the worker must survive both).
"""

import asyncio
import time

from errata_check import load_snippet, record, scaled

DEADLINE = 3.0
inside = 0
max_inside = 0
shared = {}


async def fetch_data(item_id):
    global inside, max_inside
    inside += 1
    max_inside = max(max_inside, inside)
    await asyncio.sleep(scaled(200))
    return {"item_id": item_id}


async def call_llm(data):
    global inside
    await asyncio.sleep(scaled(5000))
    if data["item_id"].startswith("bad"):
        inside -= 1
        raise ValueError("LLM refused " + data["item_id"])
    return "answer for " + data["item_id"]


async def update_shared_state(item_id, result):
    global inside
    shared[item_id] = result
    inside -= 1


ns = load_snippet(
    {
        "fetch_data": fetch_data,
        "call_llm": call_llm,
        "update_shared_state": update_shared_state,
        "data_1": {"n": 1},
        "data_2": {"n": 2},
        "data_3": {"n": 3},
    }
)


async def main():
    one_item = scaled(200 + 5000)
    start = time.perf_counter()
    results = await asyncio.wait_for(ns["main"](), DEADLINE)
    gather_ms = (time.perf_counter() - start) * 1000
    expected = [f"answer for item_{i}" for i in (1, 2, 3)]
    assert results == expected, f"results {results!r}, expected {expected!r}"
    assert max_inside == 1, f"{max_inside} items were processed at once"
    assert gather_ms >= 0.95 * 3 * one_item * 1000, "items were not processed one at a time"
    record(three_items_ms=round(gather_ms, 1), items_processed_at_once_max=max_inside)

    db_writer = ns["db_writer"]
    # An error in one item reaches its caller, and the worker goes on.
    try:
        await asyncio.wait_for(db_writer.submit("bad_1", {}), DEADLINE)
    except ValueError as exc:
        record(error_propagated=str(exc))
    else:
        raise AssertionError("the failing item's error did not reach its caller")
    assert await asyncio.wait_for(db_writer.submit("item_4", {}), DEADLINE) == "answer for item_4"

    # A caller cancelled while its item waits must not kill the worker.
    first = asyncio.create_task(db_writer.submit("item_5", {}))
    cancelled = asyncio.create_task(db_writer.submit("item_6", {}))
    cancelled_bad = asyncio.create_task(db_writer.submit("bad_2", {}))
    await asyncio.sleep(one_item / 2)
    cancelled.cancel()
    cancelled_bad.cancel()
    assert await asyncio.wait_for(first, DEADLINE) == "answer for item_5"
    try:
        after = await asyncio.wait_for(db_writer.submit("item_7", {}), 1.0)
    except TimeoutError:
        raise AssertionError(
            "the worker died after a caller was cancelled while waiting: "
            "set_result on a cancelled future raised InvalidStateError inside run()"
        ) from None
    assert after == "answer for item_7", after
    record(worker_survived_cancelled_callers=True)


asyncio.run(main())
