"""Reproduce both 'different loop' errors, then show per-loop objects and threadsafe hand-off work."""

import asyncio
import threading

from errata_check import load_snippet, record

active = 0
peak = active = 0
written = []


async def write_record(record_: dict) -> None:
    """The reader's storage call: tracks how many writers run at once."""
    global active, peak
    active += 1
    peak = max(peak, active)
    await asyncio.sleep(0.005)
    written.append(record_["id"])
    active -= 1


# Wrong 1: one module-level asyncio.Lock shared by two asyncio.run() calls.
shared_lock = asyncio.Lock()


async def wrong_save(i: int) -> None:
    async with shared_lock:
        await write_record({"id": i})


async def batch(save, ids) -> None:
    await asyncio.gather(*(save({"id": i}) if save else wrong_save(i) for i in ids))


asyncio.run(batch(None, range(3)))
errors = []
try:
    asyncio.run(batch(None, range(3)))
except RuntimeError as exc:
    errors.append(str(exc))
assert errors and errors[0].endswith("is bound to a different event loop"), errors
assert errors[0].startswith("<asyncio.locks.Lock object at 0x"), errors

# Wrong 2: awaiting a future that belongs to another loop.
other = asyncio.new_event_loop()


async def await_foreign() -> None:
    await other.create_future()


try:
    asyncio.run(await_foreign())
except RuntimeError as exc:
    errors.append(str(exc))
other.close()
assert "got Future <Future pending> attached to a different loop" in errors[1], errors

# Fix 1: the same batch under two asyncio.run() calls, writes still serialized.
ns = load_snippet({"write_record": write_record})
written.clear()
peak = active = 0
asyncio.run(batch(ns["save"], range(5)))
asyncio.run(batch(ns["save"], range(5, 10)))
assert sorted(written) == list(range(10)), written
assert peak == 1, peak

# Fix 2: a loop running in its own thread owns a queue; another thread hands work to it safely.
loop = asyncio.new_event_loop()
thread = threading.Thread(target=loop.run_forever, daemon=True)
thread.start()


async def make_queue() -> asyncio.Queue:
    return asyncio.Queue()


queue = ns["call_in_loop_thread"](loop, make_queue(), 2)


async def put_then_get(item: str) -> str:
    await queue.put(item)
    return await queue.get()


got = [ns["call_in_loop_thread"](loop, put_then_get(f"job-{i}"), 2) for i in range(3)]
assert got == ["job-0", "job-1", "job-2"], got
loop.call_soon_threadsafe(loop.stop)
thread.join(2)
loop.close()
record(wrong_pattern_errors=len(errors), fixed_writes=len(written), fixed_peak_writers=peak)
