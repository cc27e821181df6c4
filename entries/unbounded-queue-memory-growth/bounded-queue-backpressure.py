"""Producers faster than consumers: bound the queue so producers wait (backpressure) or shed load."""

import asyncio
import queue

# WRONG: an unbounded queue between a fast producer and slower consumers.
#     jobs = asyncio.Queue()          # maxsize=0: infinite
#     jobs = queue.Queue()            # same for threads
#     await jobs.put(item)            # never waits, so the producer never slows down
# Items pile up: memory grows with the backlog, and each new item waits behind all of them.


async def pipeline(produce, consume, *, maxsize: int = 100, workers: int = 4) -> list[BaseException]:
    """Feed every item of the async iterator produce() to `workers` consumers through a queue of
    at most maxsize items; returns the exceptions consume() raised (one bad item stops nothing)."""
    jobs: asyncio.Queue = asyncio.Queue(maxsize=maxsize)
    errors: list[BaseException] = []

    async def worker() -> None:
        while True:
            item = await jobs.get()
            try:
                await consume(item)
            except Exception as exc:
                errors.append(exc)
            finally:
                jobs.task_done()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        async for item in produce():
            await jobs.put(item)  # waits while the queue is full: the producer runs at the consumers' pace
        await jobs.join()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return errors


def offer(jobs: queue.Queue, item, timeout: float = 0.05) -> bool:
    """For request handlers that must not block: a bounded queue.Queue(maxsize=...) and a short wait,
    then refuse (answer 429/503, drop, or sample) instead of growing the backlog."""
    try:
        jobs.put(item, timeout=timeout)
        return True
    except queue.Full:
        return False
