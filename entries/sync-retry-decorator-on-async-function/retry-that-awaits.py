"""A retry (and timeout) decorator that works on async def: it awaits each attempt in the loop."""

import asyncio
import functools
import inspect
import random
import time

# WRONG: a synchronous retry decorator on an async def.
#     @retry(tries=3, delay=1)            # the `retry` package, `retrying`, or a try/except +
#     async def fetch(url): ...           # time.sleep wrapper of your own
# Calling fetch() only creates a coroutine: nothing raises inside the wrapper, so it returns
# after one "attempt"; the error comes later, at `await`, outside the retry - tried once.
# Async-aware libraries: tenacity's @retry / AsyncRetrying and backoff.on_exception detect an
# async def and await every attempt, sleeping with asyncio.sleep.


def retry(tries=3, delay=0.5, backoff=2.0, max_delay=30.0, exceptions=(Exception,), jitter=True):
    """Retry on `exceptions` up to `tries` times in all, waiting delay, delay*backoff, ...
    (full jitter: a random wait up to that). An async def gets an async wrapper that awaits
    each attempt and sleeps with asyncio.sleep; a plain def gets a sync wrapper."""

    def pause(attempt):
        wait = min(max_delay, delay * backoff ** (attempt - 1))
        return random.uniform(0, wait) if jitter else wait

    def decorate(func):
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args, **kwargs):
                for attempt in range(1, tries + 1):
                    try:
                        return await func(*args, **kwargs)  # a new coroutine per attempt
                    except exceptions:
                        if attempt == tries:
                            raise
                    await asyncio.sleep(pause(attempt))  # never time.sleep: it stops the loop

            return async_wrapper

        @functools.wraps(func)
        def sync_wrapper(*args, **kwargs):
            for attempt in range(1, tries + 1):
                try:
                    result = func(*args, **kwargs)
                except exceptions:
                    if attempt == tries:
                        raise
                else:
                    if inspect.isawaitable(result):
                        # A plain def that returns a coroutine (or a wrapper that hides the
                        # async def): retrying here cannot see its errors. Fail loudly.
                        if inspect.iscoroutine(result):
                            result.close()
                        raise TypeError(
                            f"{func.__qualname__} returned an awaitable; make it an async def "
                            "so that retry can await each attempt"
                        )
                    return result
                time.sleep(pause(attempt))

        return sync_wrapper

    return decorate


def timeout(seconds):
    """Time-limit an async def with asyncio.wait_for (a thread or signal based timeout
    decorator only times the creation of the coroutine, which takes no time)."""

    def decorate(func):
        if not inspect.iscoroutinefunction(func):
            raise TypeError(f"{func.__qualname__} is not an async def")

        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            return await asyncio.wait_for(func(*args, **kwargs), seconds)

        return wrapper

    return decorate
