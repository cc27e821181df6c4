"""Never block the event loop's own thread on a result that only that loop can produce."""

import asyncio
import concurrent.futures

# WRONG: sync code running ON the loop's thread (an async route, a callback, a sync helper called
# from async code) hands a coroutine to that same loop and blocks until it is done:
#     def get_state_sync():
#         loop = asyncio.get_running_loop()     # or a loop saved earlier: the same one
#         return asyncio.run_coroutine_threadsafe(fetch(), loop).result(timeout=30)
# The loop cannot start fetch() while its only thread sits in .result(): the call hangs (or fails
# with TimeoutError after 30 s) and every other task of the loop is frozen meanwhile. asgiref
# refuses this ("You cannot use AsyncToSync in the same thread as an async event loop"), and so
# does LangGraph ("Synchronous calls to AsyncPostgresSaver are only allowed from a different
# thread"). .NET's .Result / .Wait() / GetAwaiter().GetResult() on a UI or classic ASP.NET
# SynchronizationContext is the same cycle: the continuation needs the thread that is blocked.


def loop_of_this_thread():
    """The event loop running in the calling thread, or None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def run_coroutine_sync(coro, loop: asyncio.AbstractEventLoop, timeout: float | None = None):
    """Run coro on `loop` and wait for its result, from a thread that is NOT the loop's thread.

    On the loop's own thread it raises at once instead of hanging: await the coroutine there.
    """
    if loop_of_this_thread() is loop:
        coro.close()  # never started: no "coroutine ... was never awaited" warning
        raise RuntimeError(
            "this thread runs the event loop, so blocking on it would deadlock: "
            "await the coroutine (or run the sync caller with asyncio.to_thread)"
        )
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)


async def await_concurrent_future(future: concurrent.futures.Future):
    """Wait for a thread pool's or another loop's Future without blocking this loop."""
    return await asyncio.wrap_future(future)


async def call_sync_bridge(fn, /, *args, **kwargs):
    """From async code, call a sync function that blocks on the loop (a sync SDK or checkpointer
    method, a run_coroutine_sync call): in a worker thread, so the loop stays free to serve it."""
    return await asyncio.to_thread(fn, *args, **kwargs)


# In async code: `value = await fetch()`, `state = await graph.aget_state(config)`, not the sync
# get_state(); a library's sync method that blocks on the loop: `await call_sync_bridge(lib.get)`.
# .NET: async all the way (await instead of .Result), or ConfigureAwait(false) inside the library
# so its continuations do not need the blocked context thread.
