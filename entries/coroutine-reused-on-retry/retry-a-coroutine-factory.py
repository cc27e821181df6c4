"""Retry an async call by calling the coroutine function again on each attempt."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

# WRONG: async def retry(coro, attempts=3):
#            for attempt in range(attempts):
#                try:
#                    return await coro          # the same coroutine object every time
#                except Exception: ...
#        await retry(client.chat.completions.create(**request))
#   -> first failure (a timeout, a 529) is lost; every later attempt raises
#      RuntimeError: cannot reuse already awaited coroutine


async def retry(
    make_call: Callable[[], Awaitable[T]],
    attempts: int = 3,
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
    base_delay: float = 0.5,
) -> T:
    """await make_call() up to `attempts` times; a fresh coroutine per attempt, full jitter."""
    for attempt in range(1, attempts + 1):
        try:
            return await make_call()  # make_call() builds a new coroutine each time
        except retry_on:
            if attempt == attempts:
                raise  # the real error, not a RuntimeError about reuse
            await asyncio.sleep(random.uniform(0, base_delay * 2 ** (attempt - 1)))
    raise AssertionError("unreachable")


# Usage: await retry(lambda: client.chat.completions.create(**request))
#    or: await retry(functools.partial(fetch_tool_result, url))
