"""Check of option 3: a per-key lock serializes one key and lets different keys run in parallel.

The reader's application is simulated: `db` (get/set user state, 1,000 ms each, scaled 100x)
and `apply_task`. Edge cases: a crash inside the critical section, a worker cancelled while
waiting, a key cleaned up while its lock is held (a second worker must still wait), and the
snippet's own comment that unused locks are garbage collected.
"""

import asyncio
import gc
import time
import weakref

from errata_check import load_snippet, record, scaled

STEP = scaled(1000)  # one simulated database call: 1 s, as a slow remote store might take


class FakeDb:
    """User states with latency; counts workers inside each user's critical section."""

    def __init__(self):
        self.states = {}
        self.inside = {}
        self.max_inside = 0
        self.max_total = 0
        self.holds = {}  # user_id -> (entered event, release event)

    async def get_user_state(self, user_id):
        self.inside[user_id] = self.inside.get(user_id, 0) + 1
        self.max_inside = max(self.max_inside, self.inside[user_id])
        self.max_total = max(self.max_total, sum(self.inside.values()))
        if user_id in self.holds:
            entered, release = self.holds.pop(user_id)
            entered.set()
            await release.wait()
        await asyncio.sleep(STEP)
        return dict(self.states.get(user_id, {"count": 0}))

    async def set_user_state(self, user_id, state):
        await asyncio.sleep(STEP)
        self.states[user_id] = state
        self.inside[user_id] -= 1


def apply_task(state, task):
    if task.get("crash"):
        raise ValueError("apply_task crashed")
    return {"count": state["count"] + 1}


db = FakeDb()
ns = load_snippet({"db": db, "apply_task": apply_task})
process_user = ns["process_user"]
keyed_locks = ns["keyed_locks"]


async def timed(*coros):
    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*coros), 5.0)
    return time.perf_counter() - start


async def main():
    one_task = 2 * STEP
    same_key = await timed(*(process_user("user_001", {}) for _ in range(5)))
    assert db.states["user_001"]["count"] == 5, f"lost updates: {db.states['user_001']}"
    assert db.max_inside == 1, "two workers for the same user were inside at once"
    assert same_key >= 0.95 * 5 * one_task, f"same-key tasks took {same_key:.3f}s: not serialized"

    users = [f"user_{i:03d}" for i in range(10, 20)]
    different_keys = await timed(*(process_user(u, {}) for u in users))
    assert db.max_total >= len(users), f"only {db.max_total} users were processed at once"
    serial = len(users) * one_task
    assert different_keys < serial / 2, f"different keys took {different_keys:.3f}s, not parallel"
    record(
        one_task_ms=round(one_task * 1000, 1),
        same_key_5_tasks_ms=round(same_key * 1000, 1),
        different_keys_10_tasks_ms=round(different_keys * 1000, 1),
    )

    # A crash inside the critical section releases that key's lock.
    try:
        await asyncio.wait_for(process_user("user_crash", {"crash": True}), 1.0)
    except ValueError:
        db.inside["user_crash"] = 0  # the simulated db never saw set_user_state
    await asyncio.wait_for(process_user("user_crash", {}), 1.0)

    # A worker cancelled while waiting for a key does not block the next one.
    holder = asyncio.create_task(process_user("user_cancel", {}))
    waiter = asyncio.create_task(process_user("user_cancel", {}))
    await asyncio.sleep(STEP / 2)
    waiter.cancel()
    await asyncio.wait_for(asyncio.gather(holder, waiter, return_exceptions=True), 1.0)
    await asyncio.wait_for(process_user("user_cancel", {}), 1.0)
    assert db.states["user_cancel"]["count"] == 2, db.states["user_cancel"]

    # A key cleaned up while held must not let a second worker in.
    entered, release = asyncio.Event(), asyncio.Event()
    db.max_inside = 0
    db.holds["user_held"] = (entered, release)
    first = asyncio.create_task(process_user("user_held", {}))
    await asyncio.wait_for(entered.wait(), 1.0)
    keyed_locks.cleanup("user_held")
    second = asyncio.create_task(process_user("user_held", {}))
    await asyncio.sleep(3 * STEP)
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1.0)
    let_in = db.max_inside
    record(workers_inside_after_cleanup_of_held_key=let_in)
    assert let_in == 1, "cleanup() of a held key let a second worker into the critical section"

    # The snippet's comment: unused locks are garbage collected.
    locks = type(keyed_locks)()
    refs = []

    async def use_keys():
        for i in range(50):
            async with locks.locked(f"k{i}"):
                refs.append(weakref.ref(await locks.get_lock(f"k{i}")))

    await asyncio.wait_for(use_keys(), 1.0)
    gc.collect()
    alive = sum(ref() is not None for ref in refs)
    record(unused_locks_alive_of_50=alive)
    assert alive == 0, f"{alive} of 50 unused locks are still alive: they are never collected"


asyncio.run(main())
