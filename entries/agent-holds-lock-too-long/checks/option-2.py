"""Check of option 2: which variants release the lock when the critical section raises.

The reader's application is simulated: `risky_operation` (10 ms, scaled 100x, raising when
asked to) and `shared_state`. Claims checked: the WRONG variant leaves the lock held after an
exception (so every other worker deadlocks), the RIGHT variants release it, and the timeout
variant turns that deadlock into a RuntimeError.
"""

import asyncio
import contextlib

from errata_check import load_snippet, record, scaled

inside = 0
max_inside = 0


async def risky_operation(data):
    global inside, max_inside
    inside += 1
    max_inside = max(max_inside, inside)
    try:
        await asyncio.sleep(scaled(10))
        if data.get("fail"):
            raise ValueError("risky_operation failed for " + data["name"])
        return {data["name"]: "done"}
    finally:
        inside -= 1


shared_state = {}
ns = load_snippet({"risky_operation": risky_operation, "shared_state": shared_state})
lock = ns["lock"]


async def expect_failure(coro, exc_type=ValueError):
    try:
        await asyncio.wait_for(coro, 2.0)
    except exc_type as exc:
        return exc
    raise AssertionError(f"expected {exc_type.__name__}")


async def main():
    figures = {}
    for name in ("unsafe_update", "safe_update", "explicit_release", "update_with_timeout"):
        await asyncio.wait_for(ns[name]({"name": name}), 2.0)
        assert shared_state.get(name) == "done", f"{name} did not update the shared state"
        assert not lock.locked(), f"{name} left the lock held after succeeding"

    # The RIGHT variants release the lock when the critical section crashes.
    for name in ("safe_update", "explicit_release", "update_with_timeout"):
        await expect_failure(ns[name]({"name": name, "fail": True}))
        figures[f"{name}_released_after_exception"] = not lock.locked()
        assert not lock.locked(), f"{name} left the lock held after an exception"

    # The WRONG variant keeps it: the next worker waits forever (here: 0.2 s, then gives up).
    await expect_failure(ns["unsafe_update"]({"name": "unsafe", "fail": True}))
    figures["unsafe_update_left_lock_held"] = lock.locked()
    assert lock.locked(), "the article says unsafe_update leaves the lock held; it did not"
    try:
        await asyncio.wait_for(ns["safe_update"]({"name": "next"}), 0.2)
    except TimeoutError:
        figures["next_worker_deadlocked"] = True
    else:
        raise AssertionError("a worker got the lock the crashed worker never released")

    # The timeout variant reports the deadlock instead of hanging.
    error = await expect_failure(
        ns["update_with_timeout"]({"name": "t"}, timeout=0.05), RuntimeError
    )
    assert "possible deadlock" in str(error), error
    figures["timeout_variant_raised"] = type(error).__name__
    lock.release()  # recover from the crashed unsafe_update

    # A worker cancelled while waiting for the lock does not leak it.
    await asyncio.wait_for(lock.acquire(), 1.0)
    waiter = asyncio.create_task(ns["update_with_timeout"]({"name": "cancelled"}))
    await asyncio.sleep(scaled(100))
    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(waiter, 1.0)
    lock.release()
    assert not lock.locked(), "a cancelled waiter left the lock held"

    # Many workers, some crashing: all finish, one at a time, and the lock ends free.
    jobs = [
        ns[name]({"name": f"{name}-{i}", "fail": i % 3 == 0})
        for i in range(12)
        for name in ("safe_update", "explicit_release", "update_with_timeout")
    ]
    outcomes = await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), 5.0)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(o, ValueError) for o in failures), failures
    assert len(failures) == 12, len(failures)
    assert max_inside == 1, f"{max_inside} workers were inside the critical section at once"
    assert not lock.locked(), "the lock stayed held after a mix of crashes and successes"
    record(**figures, workers_in_critical_section_max=max_inside)


asyncio.run(main())
