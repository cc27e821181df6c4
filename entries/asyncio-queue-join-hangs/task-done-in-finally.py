"""A work queue whose join() always returns: task_done() in finally, workers that survive errors."""

import asyncio

STOP = object()  # sentinel: tells one worker to exit

# WRONG:
#     async def worker(queue):
#         while True:
#             item = await queue.get()
#             await handle(item)      # raises -> the worker dies and task_done() is never called
#             queue.task_done()
#     await queue.join()              # waits forever for the missing task_done()


async def worker(queue: asyncio.Queue, results: list, errors: list) -> None:
    while True:
        item = await queue.get()
        try:
            if item is STOP:
                return
            results.append(await handle(item))
        except Exception as exc:  # one bad item must not kill the worker
            errors.append((item, exc))
        finally:
            queue.task_done()  # on every path, exactly once per get()


async def process_all(items, workers: int = 4, timeout: float = 30.0) -> tuple[list, list]:
    """Process items with a bounded set of workers; return (results, errors)."""
    queue: asyncio.Queue = asyncio.Queue()
    results: list = []
    errors: list = []
    tasks = [asyncio.create_task(worker(queue, results, errors)) for _ in range(workers)]
    for item in items:
        queue.put_nowait(item)
    try:
        await asyncio.wait_for(queue.join(), timeout)  # a bounded wait, never a silent hang
    finally:
        for _ in tasks:
            queue.put_nowait(STOP)
        await asyncio.gather(*tasks, return_exceptions=True)
    return results, errors
