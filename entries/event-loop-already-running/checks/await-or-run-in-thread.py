"""Reproduce both 'already running' errors, then show the fix works inside and outside a loop."""

import asyncio

from errata_check import load_snippet, record


async def fetch_report() -> str:
    """The reader's async application code."""
    await asyncio.sleep(0.01)
    return "report"


async def wrong_inside_a_running_loop() -> list[str]:
    errors = []
    coro = fetch_report()
    try:
        asyncio.run(coro)
    except RuntimeError as exc:
        errors.append(str(exc))
    finally:
        coro.close()
    coro = fetch_report()
    try:
        asyncio.get_running_loop().run_until_complete(coro)
    except RuntimeError as exc:
        errors.append(str(exc))
    finally:
        coro.close()
    return errors


errors = asyncio.run(wrong_inside_a_running_loop())
assert errors == [
    "asyncio.run() cannot be called from a running event loop",
    "This event loop is already running",
], errors

ns = load_snippet({"fetch_report": fetch_report})
assert ns["legacy_sync_api"]() == "report"  # from plain sync code: no loop running


async def called_from_async_code() -> tuple[str, str]:
    from_sync_api = ns["legacy_sync_api"]()  # sync API called while this loop runs
    awaited = await ns["report_handler"]()
    return from_sync_api, awaited


assert asyncio.run(called_from_async_code()) == ("report", "report")
record(wrong_pattern_errors=len(errors), fixed_contexts=3)
