"""A retry loop that awaits one coroutine object twice raises 'cannot reuse already awaited
coroutine' and hides the first error; retrying a factory makes one request per attempt."""

import asyncio

from errata_check import load_snippet, record

calls = []


async def flaky_completion(prompt: str) -> str:  # fails twice, then answers
    calls.append(prompt)
    await asyncio.sleep(0)
    if len(calls) < 3:
        raise ConnectionError(f"upstream reset (attempt {len(calls)})")
    return f"answer to {prompt}"


async def naive_retry(coro, attempts=3):
    for attempt in range(attempts):
        try:
            return await coro
        except ConnectionError:
            continue
        except RuntimeError as error:
            return f"RuntimeError: {error}"


naive = asyncio.run(naive_retry(flaky_completion("q")))
assert naive == "RuntimeError: cannot reuse already awaited coroutine", naive
assert calls == ["q"]  # one request, the retries never reached the API
naive_calls = len(calls)

ns = load_snippet()
calls.clear()
result = asyncio.run(ns["retry"](lambda: flaky_completion("q"), attempts=3, base_delay=0.001))
assert result == "answer to q" and len(calls) == 3, (result, calls)

calls.clear()


async def always_down(prompt: str) -> str:
    calls.append(prompt)
    raise TimeoutError("model timed out")


try:
    asyncio.run(ns["retry"](lambda: always_down("q"), attempts=2, base_delay=0.001))
    raise AssertionError("no error raised")
except TimeoutError as error:
    final = str(error)
assert final == "model timed out" and len(calls) == 2  # the real error comes out
record(naive=naive, naive_requests=naive_calls, fixed_requests=3, final_error=final)
