"""Errors vanish with the wrong patterns and are surfaced (returned, raised, logged) by the fix."""

import asyncio
import gc
import logging

from errata_check import load_snippet, record

loop_messages: list[str] = []


def on_loop_error(loop, context) -> None:
    loop_messages.append(context["message"])


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, rec: logging.LogRecord) -> None:
        self.records.append(rec)


async def process(item: str) -> str:
    """The reader's job: item 'b' is bad."""
    await asyncio.sleep(0.001)
    if item == "b":
        raise ValueError(f"bad row {item}")
    return item.upper()


async def wrong() -> list:
    asyncio.get_running_loop().set_exception_handler(on_loop_error)
    results = await asyncio.gather(*(process(i) for i in "abc"), return_exceptions=True)
    saved = [r for r in results if r]  # the exception object is truthy: it is "saved" as a value
    asyncio.create_task(process("b"))  # fire and forget: nobody will see this error
    await asyncio.sleep(0.01)
    gc.collect()
    return saved


saved = asyncio.run(wrong())
gc.collect()
assert len(saved) == 3 and isinstance(saved[1], ValueError), saved  # silently mixed into the data
assert loop_messages == ["Task exception was never retrieved"], loop_messages

ns = load_snippet({"process": process})
collector = Collect()
logging.getLogger("jobs").addHandler(collector)
loop_messages.clear()


async def fixed():
    asyncio.get_running_loop().set_exception_handler(on_loop_error)
    results, failures = await ns["run_all"](["a", "b", "c"])
    try:
        await ns["run_all_or_fail"](["a", "b", "c"])
        group_error = None
    except ExceptionGroup as exc:
        group_error = exc
    ns["fire_and_forget"](process("b"), name="sync-b")
    await asyncio.sleep(0.01)
    return results, failures, group_error


results, failures, group_error = asyncio.run(fixed())
gc.collect()
assert results == {"a": "A", "c": "C"}, results
assert list(failures) == ["b"] and isinstance(failures["b"], ValueError), failures
assert group_error is not None and isinstance(group_error.exceptions[0], ValueError), group_error
messages = [r.getMessage() for r in collector.records]
assert messages == ["job b failed", "background task sync-b failed"], messages
assert all(r.exc_info and r.exc_info[0] is ValueError for r in collector.records)
assert loop_messages == [], loop_messages
record(wrong_errors_visible=0, fixed_errors_logged=len(messages), fixed_never_retrieved=0)
