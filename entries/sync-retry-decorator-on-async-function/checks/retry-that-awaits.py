"""A synchronous retry decorator on an async def never retries: calling the function only
creates a coroutine, so the wrapper returns at once and the error comes at `await`, outside the
retry. A wrapper that drops the coroutine never runs it at all, a thread timeout times nothing,
and time.sleep in an async retry stops the loop. The async-aware decorator retries."""

import asyncio
import functools
import gc
import inspect
import itertools
import threading
import time
import warnings

from errata_check import load_snippet, record


# What the `retry` package's @retry, `retrying`'s @retry and home-made wrappers do.
def sync_retry(tries=3, delay=0.01):
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, tries + 1):
                try:
                    return func(*args, **kwargs)
                except Exception:
                    if attempt == tries:
                        raise
                    time.sleep(delay)

        return wrapper

    return decorate


def sync_retry_no_return(tries=3):
    """A home-made wrapper that calls the function and returns nothing on success."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, tries + 1):
                try:
                    func(*args, **kwargs)
                    return
                except Exception:
                    if attempt == tries:
                        raise

        return wrapper

    return decorate


def thread_timeout(seconds):
    """A timeout decorator that runs the call in a thread and joins it with a deadline."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            out = []
            worker = threading.Thread(target=lambda: out.append(func(*args, **kwargs)))
            worker.start()
            worker.join(seconds)
            if worker.is_alive():
                raise TimeoutError(f"{func.__name__} took longer than {seconds} s")
            return out[0]

        return wrapper

    return decorate


calls: list = []


async def flaky() -> str:
    """Fails twice with a connection reset, then answers."""
    calls.append(time.monotonic())
    await asyncio.sleep(0)
    if len(calls) < 3:
        raise ConnectionError("connection reset by peer")
    return "ok"


def attempts_of(decorated) -> tuple:
    """Await decorated() once in a fresh loop: (calls made, result or error name)."""
    calls.clear()

    async def main():
        try:
            return await decorated()
        except Exception as exc:
            return type(exc).__name__ + ": " + str(exc)

    outcome = asyncio.run(main())
    return len(calls), outcome


# WRONG 1: the sync retry on an async def - one call, the first error, no retry.
wrong = sync_retry(tries=3)(flaky)
calls.clear()
coro = wrong()  # the "retry" is over already
assert inspect.iscoroutine(coro) and calls == [], calls
coro.close()
wrong_calls, wrong_result = attempts_of(wrong)
assert (wrong_calls, wrong_result) == (1, "ConnectionError: connection reset by peer"), (
    wrong_calls,
    wrong_result,
)
assert not inspect.iscoroutinefunction(wrong)

# WRONG 2: a wrapper that drops the coroutine: the body never runs, the await gets None.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    dropped_calls, dropped_result = attempts_of(sync_retry_no_return()(flaky))
    gc.collect()
never_awaited = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
assert dropped_calls == 0, dropped_calls
assert dropped_result == "TypeError: object NoneType can't be used in 'await' expression"
assert never_awaited == ["coroutine 'flaky' was never awaited"], never_awaited


# WRONG 3: a thread-based timeout on an async def times only the coroutine's creation.
async def slow() -> str:
    await asyncio.sleep(0.3)
    return "late"


started = time.perf_counter()
late = asyncio.run(thread_timeout(0.05)(slow)())
late_s = time.perf_counter() - started
assert late == "late" and late_s >= 0.3, (late, late_s)


# WRONG 4: an async retry that waits with time.sleep stops every other task meanwhile.
def async_retry_time_sleep(tries=3, delay=0.05):
    def decorate(func):
        async def wrapper():
            for attempt in range(1, tries + 1):
                try:
                    return await func()
                except Exception:
                    if attempt == tries:
                        raise
                    time.sleep(delay)

        return wrapper

    return decorate


def ticks_during(decorated) -> tuple:
    """Run decorated() next to a 5 ms ticker; return (result, ticks seen meanwhile)."""
    calls.clear()

    async def main():
        ticks = 0
        done = False

        async def ticker():
            nonlocal ticks
            while not done:
                await asyncio.sleep(0.005)
                ticks += 1

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        try:
            return await decorated(), ticks
        finally:
            done = True
            await task

    return asyncio.run(main())


blocked_result, blocked_ticks = ticks_during(async_retry_time_sleep()(flaky))
assert blocked_result == "ok" and blocked_ticks <= 2, blocked_ticks

ns = load_snippet()
retry = ns["retry"]

# FIXED: the async-aware decorator awaits each attempt and waits with asyncio.sleep.
fixed = retry(tries=3, delay=0.02, jitter=False)(flaky)
assert inspect.iscoroutinefunction(fixed) and fixed.__name__ == "flaky"
fixed_calls, fixed_result = attempts_of(fixed)
assert (fixed_calls, fixed_result) == (3, "ok"), (fixed_calls, fixed_result)
gaps = [round(b - a, 3) for a, b in itertools.pairwise(calls)]
assert gaps[0] >= 0.02 and gaps[1] >= 0.04, gaps

# Other tasks keep running while it waits between attempts.
fixed_tick_result, fixed_ticks = ticks_during(retry(tries=3, delay=0.05, jitter=False)(flaky))
assert fixed_tick_result == "ok" and fixed_ticks >= 10, fixed_ticks


# Out of attempts: the function's own last error; an error it does not retry: raised at once.
async def always_down() -> str:
    calls.append(time.monotonic())
    raise ConnectionError("still down")


async def bad_request() -> str:
    calls.append(time.monotonic())
    raise ValueError("400 bad request")


gave_up = attempts_of(retry(tries=2, delay=0.01)(always_down))
assert gave_up == (2, "ConnectionError: still down"), gave_up
not_retried = attempts_of(retry(tries=3, delay=0.01, exceptions=(ConnectionError,))(bad_request))
assert not_retried == (1, "ValueError: 400 bad request"), not_retried

# A plain def still gets a sync retry.
sync_calls: list = []


def flaky_sync() -> str:
    sync_calls.append(1)
    if len(sync_calls) < 3:
        raise ConnectionError("reset")
    return "ok"


assert retry(tries=3, delay=0.01)(flaky_sync)() == "ok" and len(sync_calls) == 3


# A plain def that returns a coroutine cannot be retried by a sync wrapper: a clear TypeError,
# and the coroutine is closed, not left "never awaited".
def fetch_later():
    return flaky()


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        retry(tries=3, delay=0.01)(fetch_later)()
        raised = ""
    except TypeError as exc:
        raised = str(exc)
    gc.collect()
assert "returned an awaitable; make it an async def" in raised, raised
assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], caught

# The async timeout really limits the await.
started = time.perf_counter()
try:
    asyncio.run(ns["timeout"](0.05)(slow)())
    timed_out = False
except TimeoutError:
    timed_out = True
timeout_s = time.perf_counter() - started
assert timed_out and timeout_s < 0.25, timeout_s

record(
    wrong_calls=wrong_calls,
    wrong_result=wrong_result,
    dropped_warning=never_awaited[0],
    thread_timeout_seconds=round(late_s, 2),
    time_sleep_ticks=blocked_ticks,
    fixed_calls=fixed_calls,
    fixed_result=fixed_result,
    asyncio_sleep_ticks=fixed_ticks,
    timeout_seconds=round(timeout_s, 2),
)
