"""Async code from a worker thread: run it on its own loop, or hand it to the main loop."""

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

# WRONG (in a threading.Thread, a ThreadPoolExecutor worker, a Flask/gradio/APScheduler callback):
#   loop = asyncio.get_event_loop()      # RuntimeError: There is no current event loop in thread 'Thread-1'.
#   loop.run_until_complete(fetch())


def run_here(make_coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """From a thread with no running loop: a fresh loop for this call, closed afterwards."""
    return asyncio.run(make_coro())


def submit_to_loop(loop: asyncio.AbstractEventLoop, coro: Awaitable[T]) -> Future[T]:
    """From any thread: run on the app's loop (which owns the clients); wait with .result(timeout)."""
    return asyncio.run_coroutine_threadsafe(coro, loop)  # type: ignore[arg-type]


class LoopThread:
    """One long-lived loop in a background thread, for many calls from sync code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coro: Awaitable[T], timeout: float | None = None) -> T:
        return submit_to_loop(self.loop, coro).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()
