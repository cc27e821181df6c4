"""Make every concurrent failure visible: inspect gather results, log background task errors."""

import asyncio
import logging

log = logging.getLogger("jobs")

# WRONG:
#     results = await asyncio.gather(*jobs, return_exceptions=True)   # exceptions become values...
#     saved = [r for r in results if r]                                # ...and are silently dropped
#     asyncio.create_task(sync_user(u))                                # nobody awaits it: its error is
#                                                                      # only "Task exception was never retrieved"


async def run_all(items: list[str]) -> tuple[dict, dict]:
    """Run jobs concurrently; return successes and failures, and log the failures."""
    outcomes = await asyncio.gather(*(process(item) for item in items), return_exceptions=True)
    results, failures = {}, {}
    for item, outcome in zip(items, outcomes):
        if isinstance(outcome, BaseException):
            failures[item] = outcome
        else:
            results[item] = outcome
    for item, exc in failures.items():
        log.error("job %s failed", item, exc_info=exc)
    return results, failures


async def run_all_or_fail(items: list[str]) -> list:
    """All-or-nothing (3.11+): the first failure cancels the rest and raises an ExceptionGroup."""
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(process(item)) for item in items]
    return [task.result() for task in tasks]


_background: set[asyncio.Task] = set()


def fire_and_forget(coro, *, name: str) -> asyncio.Task:
    """Start a background task that is kept alive and whose failure is logged at once."""
    task = asyncio.create_task(coro, name=name)
    _background.add(task)
    task.add_done_callback(_report)
    return task


def _report(task: asyncio.Task) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())
