"""Check of option 5: readers overlap, a writer is exclusive, and a writer is not starved.

The reader's application is simulated: `agent_config`. Readers and writers hold the lock for
1,000 ms (scaled 100x: 10 ms). Edge cases: a steady stream of readers while a writer waits
(the writer must get in within a bounded time), a writer cancelled while waiting, and a crash
inside a read or write section.
"""

import asyncio
import time

from errata_check import load_snippet, record, scaled

HOLD = scaled(1000)
agent_config = {"model": "small", "temperature": 0.0}
ns = load_snippet({"agent_config": agent_config})
rw = ns["ReadWriteLock"]()
readers_in = 0
writers_in = 0
max_readers_in = 0
violations = []


def entered(kind):
    global readers_in, writers_in, max_readers_in
    if kind == "reader":
        readers_in += 1
        max_readers_in = max(max_readers_in, readers_in)
    else:
        writers_in += 1
    if writers_in > 1 or (writers_in and readers_in):
        violations.append(f"{kind} entered: {readers_in} readers, {writers_in} writers inside")


def left(kind):
    global readers_in, writers_in
    if kind == "reader":
        readers_in -= 1
    else:
        writers_in -= 1


async def reader(hold=HOLD):
    async with rw.read():
        entered("reader")
        try:
            await asyncio.sleep(hold)
        finally:
            left("reader")


async def writer(hold=HOLD, inside=None):
    async with rw.write():
        entered("writer")
        if inside is not None:
            inside.set()
        try:
            await asyncio.sleep(hold)
        finally:
            left("writer")


async def bounded(*coros, timeout=2.0):
    return await asyncio.wait_for(asyncio.gather(*coros), timeout)


async def writer_wait_under_reader_stream():
    """Start a writer while new readers keep arriving; return how long it waited (s or None)."""
    stop = asyncio.Event()
    readers = []

    async def stream():
        while not stop.is_set():
            readers.append(asyncio.create_task(reader()))
            await asyncio.sleep(HOLD / 2)

    streaming = asyncio.create_task(stream())
    await asyncio.sleep(3 * HOLD)
    inside = asyncio.Event()
    start = time.perf_counter()
    pending_writer = asyncio.create_task(writer(inside=inside))
    try:
        await asyncio.wait_for(inside.wait(), 50 * HOLD)
        waited = time.perf_counter() - start
    except TimeoutError:
        waited = None
    stop.set()
    await bounded(streaming, pending_writer, *readers)
    return waited


async def main():
    await bounded(ns["update_agent_config"]({"temperature": 0.5}))
    assert await bounded(ns["read_agent_config"]()) == [{"model": "small", "temperature": 0.5}]

    start = time.perf_counter()
    await bounded(*(reader() for _ in range(5)))
    five_readers_ms = (time.perf_counter() - start) * 1000
    record(readers_overlapping_max=max_readers_in, five_readers_ms=round(five_readers_ms, 1))
    assert max_readers_in == 5, f"only {max_readers_in} of 5 readers overlapped"

    # Readers arriving while a writer holds the lock, and a second writer, must wait.
    inside = asyncio.Event()
    holder = asyncio.create_task(writer(hold=3 * HOLD, inside=inside))
    await asyncio.wait_for(inside.wait(), 1.0)
    await bounded(holder, reader(), reader(), writer())
    waited = await writer_wait_under_reader_stream()
    record(
        exclusivity_violations=len(violations),
        writer_wait_under_reader_stream_ms=None if waited is None else round(waited * 1000, 1),
    )
    assert not violations, violations[0]
    assert waited is not None, f"a steady stream of readers kept the writer out {50 * HOLD}s"

    # A writer cancelled while waiting for readers does not keep readers out.
    first_reader = asyncio.create_task(reader(hold=3 * HOLD))
    await asyncio.sleep(HOLD / 2)
    waiting_writer = asyncio.create_task(writer())
    await asyncio.sleep(HOLD / 2)
    waiting_writer.cancel()
    await bounded(first_reader, reader(), asyncio.gather(waiting_writer, return_exceptions=True))

    # A crash inside either section releases the lock.
    async def crash(section):
        try:
            async with section():
                raise KeyError("crash inside the section")
        except KeyError:
            pass

    await bounded(crash(rw.read), timeout=1.0)
    await bounded(crash(rw.write), timeout=1.0)
    await bounded(writer(), reader(), timeout=1.0)
    assert not violations, violations[0]


asyncio.run(main())
