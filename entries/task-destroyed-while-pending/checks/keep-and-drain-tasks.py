"""Reproduce 'Task was destroyed but it is pending!' twice; the fix keeps, finishes and drains tasks."""

import asyncio
import gc
import weakref

from errata_check import load_snippet, record

messages: list[str] = []
delivered: list[str] = []
cleaned: list[str] = []
listeners: "weakref.WeakSet[asyncio.Future]" = weakref.WeakSet()  # like event emitters holding weak refs


def on_error(loop, context) -> None:
    messages.append(context["message"])


async def watch(topic: str) -> None:
    """The reader's background job: waits for one event, or runs until cancelled."""
    try:
        fut = asyncio.get_running_loop().create_future()
        listeners.add(fut)
        delivered.append(f"{topic}:{await fut}")
        await asyncio.sleep(3600)
    finally:
        cleaned.append(topic)


async def publish(value: str) -> None:
    for fut in list(listeners):
        if not fut.done():
            fut.set_result(value)
    await asyncio.sleep(0.01)


async def run_application() -> None:
    await asyncio.sleep(0)
    gc.collect()  # a collection happens while the application runs
    await publish("event")


# Wrong 1: create_task without keeping the task.
async def wrong_fire_and_forget() -> None:
    asyncio.get_running_loop().set_exception_handler(on_error)
    asyncio.create_task(watch("orders"))
    await run_application()


asyncio.run(wrong_fire_and_forget())
assert messages == ["Task was destroyed but it is pending!"], messages
assert delivered == [], delivered  # the job silently never ran to its end

# Wrong 2: closing a hand-managed loop while a task is pending.
loop = asyncio.new_event_loop()
loop.set_exception_handler(on_error)


async def start() -> None:
    asyncio.create_task(asyncio.sleep(3600))
    await asyncio.sleep(0)


loop.run_until_complete(start())
loop.close()
del loop
gc.collect()
assert messages == ["Task was destroyed but it is pending!"] * 2, messages

# The fix: tasks kept, the event delivered, every task cancelled and cleaned up before the loop ends.
ns = load_snippet({"watch": watch, "run_application": run_application})
messages.clear()
cleaned.clear()


async def fixed() -> None:
    asyncio.get_running_loop().set_exception_handler(on_error)
    await ns["main_with_background_work"](["orders", "refunds"])


asyncio.run(fixed())
gc.collect()
assert messages == [], messages
assert sorted(delivered) == ["orders:event", "refunds:event"], delivered
assert sorted(cleaned) == ["orders", "refunds"], cleaned
record(wrong_destroyed_pending=2, fixed_destroyed_pending=0, fixed_tasks_cleaned=len(cleaned))
