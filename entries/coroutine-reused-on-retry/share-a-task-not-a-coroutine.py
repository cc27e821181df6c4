"""Share one async result between callers: store a Task (awaitable many times), not a coroutine."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

# WRONG: self._status = self._fetch_status()      # a coroutine object, stored
#        async def status(self): return await self._status
#   -> the first caller gets the result; the second raises
#      RuntimeError: cannot reuse already awaited coroutine


class AsyncOnce:
    """Run each key's call once; every caller (concurrent or later) awaits the same Task."""

    def __init__(self) -> None:
        self._tasks: dict[Hashable, asyncio.Task[Any]] = {}

    async def get(self, key: Hashable, make_call: Callable[[], Awaitable[Any]]) -> Any:
        task = self._tasks.get(key)
        if task is None or (task.done() and task.exception() is not None):
            task = asyncio.ensure_future(make_call())  # a failed call is tried afresh next time
            self._tasks[key] = task
        return await task  # a Task (a Future) may be awaited any number of times
