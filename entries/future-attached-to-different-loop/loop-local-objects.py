"""Create loop-bound objects on the loop that uses them; cross threads with run_coroutine_threadsafe."""

import asyncio
import weakref

# WRONG: a module-level lock / queue / client reused by several event loops.
#     _write_lock = asyncio.Lock()              # binds to the first loop that waits on it
#     asyncio.run(batch_a()); asyncio.run(batch_b())
#     -> RuntimeError: <asyncio.locks.Lock object at 0x...> is bound to a different event loop
#     -> RuntimeError: Task <...> got Future <Future pending> attached to a different loop


class LoopLocal:
    """One instance of a loop-bound object (Lock, Semaphore, Queue, async client) per event loop."""

    def __init__(self, factory):
        self._factory = factory
        self._by_loop = weakref.WeakKeyDictionary()  # dropped when its loop is garbage-collected

    def get(self):
        loop = asyncio.get_running_loop()
        obj = self._by_loop.get(loop)
        if obj is None:
            obj = self._by_loop[loop] = self._factory()
        return obj


_write_lock = LoopLocal(asyncio.Lock)


async def save(record: dict) -> None:
    """Serialize writes with a lock that belongs to the loop running this coroutine."""
    async with _write_lock.get():
        await write_record(record)


def call_in_loop_thread(loop: asyncio.AbstractEventLoop, coro, timeout: float = 10.0):
    """From another thread: run the coroutine on the loop that owns the objects it touches."""
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)
