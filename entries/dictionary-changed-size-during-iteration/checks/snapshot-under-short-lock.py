"""Live iteration breaks under concurrent change (threads, tasks, the loop body); snapshots do not."""

import asyncio
import threading
import time

from errata_check import load_snippet, record


def deliver(session: dict, message: str) -> None:
    """The reader's slow send (a socket write, an HTTP call)."""
    time.sleep(0.0002)
    session.setdefault("inbox", []).append(message)


async def deliver_async(session: dict, message: str) -> None:
    await asyncio.sleep(0)
    session.setdefault("inbox", []).append(message)


def race(broadcast, add, remove, seconds: float = 0.3) -> tuple[list[str], int]:
    """Broadcast in a loop while another thread adds and removes sessions."""
    errors: list[str] = []
    rounds = 0
    stop = threading.Event()

    def mutate() -> None:
        i = 0
        while not stop.is_set():
            add(f"s{i}", {"last_seen": 0.0})
            remove(f"s{i - 5}")
            i += 1
            time.sleep(0.0001)

    mutator = threading.Thread(target=mutate, daemon=True)
    mutator.start()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and not errors:
        try:
            broadcast("ping")
            rounds += 1
        except RuntimeError as exc:
            errors.append(str(exc))
    stop.set()
    mutator.join(2)
    return errors, rounds


# Wrong 1: threads, iterating the live dict.
live: dict[str, dict] = {f"base{i}": {"last_seen": 0.0} for i in range(20)}


def wrong_broadcast(message: str) -> None:
    for _sid, session in live.items():
        deliver(session, message)


# The race stops at its first error (well under a second here); the long deadline is for a
# loaded machine where the sandbox gets a small share of one CPU.
wrong_errors, _ = race(wrong_broadcast, live.__setitem__, lambda sid: live.pop(sid, None), 10.0)
assert wrong_errors == ["dictionary changed size during iteration"], wrong_errors

# Wrong 2: asyncio, an await inside the loop lets another task add a session.
async def wrong_async() -> str:
    sessions = {f"s{i}": {} for i in range(3)}

    async def joiner() -> None:
        await asyncio.sleep(0)
        sessions["late"] = {}

    task = asyncio.create_task(joiner())
    try:
        for _sid, session in sessions.items():
            await deliver_async(session, "hi")
        return "no error"
    except RuntimeError as exc:
        return str(exc)
    finally:
        await task


assert asyncio.run(wrong_async()) == "dictionary changed size during iteration"

# Wrong 3: deleting from the dict being iterated, one thread.
stale = {"a": {"last_seen": 0.0}, "b": {"last_seen": 100.0}}
try:
    for sid, s in stale.items():
        if s["last_seen"] < 50:
            del stale[sid]
    in_loop_error = "no error"
except RuntimeError as exc:
    in_loop_error = str(exc)
assert in_loop_error == "dictionary changed size during iteration", in_loop_error

ns = load_snippet({"deliver": deliver, "deliver_async": deliver_async})
registry = ns["SessionRegistry"]()
for i in range(20):
    registry.add(f"base{i}", {"last_seen": 0.0})
fixed_errors, fixed_rounds = race(registry.broadcast, registry.add, registry.remove, 0.3)
assert fixed_errors == [] and fixed_rounds > 0, (fixed_errors, fixed_rounds)


async def fixed_async() -> int:
    async def joiner() -> None:
        await asyncio.sleep(0)
        registry.add("late", {"last_seen": 100.0})

    task = asyncio.create_task(joiner())
    sent = await registry.broadcast_async("hi")
    await task
    return sent


assert asyncio.run(fixed_async()) > 0
registry.add("fresh", {"last_seen": 100.0})
expired = registry.expire(now=101.0, ttl=10.0)
assert "fresh" not in expired and "base0" in expired and len(registry) >= 1
record(wrong_errors=3, fixed_broadcast_rounds=fixed_rounds, fixed_errors=0, expired=len(expired))
