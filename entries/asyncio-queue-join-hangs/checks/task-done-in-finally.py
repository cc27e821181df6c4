"""One failing item makes the naive queue.join() hang; the fixed workers finish and report it."""

import asyncio
import time

from errata_check import load_snippet, record


async def handle(item: int) -> int:
    """The reader's per-item work; item 3 is bad."""
    await asyncio.sleep(0.001)
    if item == 3:
        raise ValueError(f"cannot process item {item}")
    return item * 10


async def wrong_worker(queue: asyncio.Queue) -> None:
    while True:
        item = await queue.get()
        await handle(item)
        queue.task_done()


async def wrong() -> tuple[bool, int]:
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: None)
    queue: asyncio.Queue = asyncio.Queue()
    workers = [asyncio.create_task(wrong_worker(queue)) for _ in range(2)]
    for item in range(8):
        queue.put_nowait(item)
    try:
        await asyncio.wait_for(queue.join(), 0.3)
        hung = False
    except TimeoutError:
        hung = True
    unfinished = queue._unfinished_tasks  # what repr(queue) shows as tasks=N
    for w in workers:
        w.cancel()
    return hung, unfinished


hung, unfinished = asyncio.run(wrong())
assert hung and unfinished >= 1, (hung, unfinished)

ns = load_snippet({"handle": handle})
start = time.perf_counter()
results, errors = asyncio.run(ns["process_all"](range(8), workers=2, timeout=2))
elapsed = time.perf_counter() - start
assert sorted(results) == [0, 10, 20, 40, 50, 60, 70], results
assert [item for item, _ in errors] == [3] and isinstance(errors[0][1], ValueError), errors
assert elapsed < 1.0, elapsed
record(wrong_join_hung=True, wrong_unfinished_tasks=unfinished, fixed_ms=round(elapsed * 1000, 1), fixed_errors=len(errors))
