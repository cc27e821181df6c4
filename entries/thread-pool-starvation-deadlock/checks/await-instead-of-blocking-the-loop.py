"""Blocking the loop's own thread on run_coroutine_threadsafe(...).result() times out and freezes
every task; awaiting, a worker-thread bridge and the guard all finish at once."""

import asyncio
import concurrent.futures
import time
import warnings

from errata_check import load_snippet, record

WAIT_S = 0.5  # the wrong code waits until this timeout; without one it would hang forever
OK_S = 20.0


async def fetch(delay: float = 0.01) -> int:
    await asyncio.sleep(delay)
    return 42


class Heartbeat:
    """A task of the same loop that ticks every 10 ms: it shows whether the loop is free."""

    def __init__(self) -> None:
        self.ticks = 0

    async def run(self) -> None:
        while True:
            await asyncio.sleep(0.01)
            self.ticks += 1


LOOP: list = []  # the app's loop, saved at start-up as a library saves it


def get_value_sync(delay: float = 0.01, timeout: float = WAIT_S) -> int:
    """A sync helper shaped like a library's sync wrapper (crewAI, LangGraph before its guard)."""
    return asyncio.run_coroutine_threadsafe(fetch(delay), LOOP[0]).result(timeout=timeout)


async def wrong() -> dict:
    LOOP[:] = [asyncio.get_running_loop()]
    beat = Heartbeat()
    ticker = asyncio.create_task(beat.run())
    await asyncio.sleep(0.05)
    before = beat.ticks
    start = time.monotonic()
    try:
        value = get_value_sync()  # called on the loop's own thread, as from an async route
        error = ""
    except concurrent.futures.TimeoutError as exc:
        value, error = None, type(exc).__name__
    waited = time.monotonic() - start
    frozen_ticks = beat.ticks - before  # nothing of the loop ran while it was blocked
    await asyncio.sleep(0.05)
    ticker.cancel()
    return {"value": value, "error": error, "waited": waited, "ticks": frozen_ticks}


bad = asyncio.run(wrong())
assert bad["value"] is None and bad["error"] == "TimeoutError", bad
assert bad["waited"] >= WAIT_S * 0.9 and bad["ticks"] == 0, bad

ns = load_snippet()


async def fixed() -> dict:
    loop = asyncio.get_running_loop()
    LOOP[:] = [loop]
    beat = Heartbeat()
    ticker = asyncio.create_task(beat.run())

    # 1. In async code, await: the loop runs fetch() and the heartbeat together.
    direct = await asyncio.wait_for(fetch(), OK_S)

    # 2. A sync helper that blocks on the loop, called through a worker thread: the loop is free.
    before = beat.ticks
    bridged = await asyncio.wait_for(ns["call_sync_bridge"](get_value_sync, 0.2, OK_S), OK_S)
    ticks_during_bridge = beat.ticks - before

    # 3. A thread pool's Future awaited instead of .result() on the loop thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        wrapped = await ns["await_concurrent_future"](pool.submit(lambda: 7))

    # 4. The guard: on the loop's thread run_coroutine_sync refuses at once, with no warning...
    start = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ns["run_coroutine_sync"](fetch(), loop, timeout=OK_S)
            refused = ""
        except RuntimeError as exc:
            refused = str(exc)
    refused_s = time.monotonic() - start
    never_awaited = [w for w in caught if "never awaited" in str(w.message)]

    # ...and from another thread it does the job.
    other_thread = await asyncio.to_thread(ns["run_coroutine_sync"], fetch(), loop, OK_S)
    ticker.cancel()
    return {
        "direct": direct,
        "bridged": bridged,
        "ticks": ticks_during_bridge,
        "wrapped": wrapped,
        "refused": refused,
        "refused_s": refused_s,
        "never_awaited": len(never_awaited),
        "other_thread": other_thread,
    }


good = asyncio.run(fixed())
assert good["direct"] == 42 and good["bridged"] == 42 and good["wrapped"] == 7, good
assert good["ticks"] >= 1, good  # the loop kept running while the worker thread waited
assert "would deadlock" in good["refused"] and good["refused_s"] < WAIT_S, good
assert good["never_awaited"] == 0 and good["other_thread"] == 42, good

record(
    wrong_error=bad["error"],
    wrong_waited_s=round(bad["waited"], 2),
    wrong_heartbeat_ticks_while_blocked=bad["ticks"],
    fixed_await=good["direct"],
    fixed_bridge=good["bridged"],
    fixed_heartbeat_ticks_during_bridge=good["ticks"],
    guard_refused_s=round(good["refused_s"], 3),
)
