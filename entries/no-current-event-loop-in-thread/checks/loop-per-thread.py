"""get_event_loop() in a worker thread raises; asyncio.run per call, run_coroutine_threadsafe to
a loop, and a LoopThread all work from threads."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from errata_check import load_snippet, record


async def fetch(n: int) -> int:
    await asyncio.sleep(0.01)
    return n * 2


errors: list[str] = []


def naive_worker() -> None:
    try:
        loop = asyncio.get_event_loop()
        loop.run_until_complete(fetch(1))
    except RuntimeError as error:
        errors.append(str(error))


worker = threading.Thread(target=naive_worker, name="Thread-1")
worker.start()
worker.join()
assert errors == ["There is no current event loop in thread 'Thread-1'."], errors

ns = load_snippet()
with ThreadPoolExecutor(4) as pool:
    results = list(pool.map(lambda n: ns["run_here"](lambda: fetch(n)), range(8)))
assert results == [n * 2 for n in range(8)]

background = ns["LoopThread"]()
from_threads: list[int] = []
threads = [threading.Thread(target=lambda n=n: from_threads.append(background.call(fetch(n), timeout=10))) for n in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert sorted(from_threads) == [0, 2, 4, 6, 8]
assert ns["submit_to_loop"](background.loop, fetch(21)).result(10) == 42
background.close()
assert background.loop.is_closed()
record(naive_error=errors[0], pool_results=results, loop_thread_results=sorted(from_threads))
