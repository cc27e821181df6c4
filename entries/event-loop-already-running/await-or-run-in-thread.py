"""Call async code from wherever you are without re-entering a running event loop."""

import asyncio
import concurrent.futures

# WRONG inside Jupyter, FastAPI handlers, pytest-asyncio tests or any coroutine:
#     asyncio.run(fetch_report())                          # asyncio.run() cannot be called from a running event loop
#     asyncio.get_event_loop().run_until_complete(...)     # This event loop is already running


async def report_handler() -> str:
    """BEST: already in async code (a notebook cell, an async route)? Just await it."""
    return await fetch_report()


def run_sync(coro):
    """For a sync function that may be called with or without a loop running in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)  # no loop here: the normal case for scripts and CLIs
    # A loop already runs in this thread: run the coroutine on a private loop in a worker thread.
    # This blocks the caller until it finishes, so prefer making the caller async when you can.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def legacy_sync_api() -> str:
    """A sync library function that may be called from a script or from inside a running loop."""
    return run_sync(fetch_report())
