"""A thread and a task that re-acquire their own lock hang; the split helpers and the RLock do not."""

import asyncio
import threading

from errata_check import load_snippet, record

loads: list[str] = []


async def load(key: str) -> str:
    """The reader's slow source."""
    await asyncio.sleep(0.001)
    loads.append(key)
    return key.upper()


class WrongInventory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stock: dict[str, int] = {}

    def add(self, sku: str, n: int) -> None:
        with self._lock:
            self._stock[sku] = self._stock.get(sku, 0) + n

    def add_many(self, items) -> None:
        with self._lock:
            for sku, n in items:
                self.add(sku, n)


worker = threading.Thread(target=WrongInventory().add_many, args=([("a", 1)],), daemon=True)
worker.start()
worker.join(0.3)
assert worker.is_alive(), "expected the thread to block on its own lock"


class WrongAsyncCache:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._data: dict[str, object] = {}

    async def get_or_load(self, key: str) -> object:
        async with self._lock:
            if key not in self._data:
                self._data[key] = await load(key)
            return self._data[key]

    async def refresh(self, keys) -> None:
        async with self._lock:
            for key in keys:
                self._data.pop(key, None)
                await self.get_or_load(key)


async def wrong_async() -> bool:
    try:
        await asyncio.wait_for(WrongAsyncCache().refresh(["k"]), 0.2)
    except TimeoutError:
        return True
    return False


assert asyncio.run(wrong_async()), "expected the task to wait for its own asyncio.Lock"

ns = load_snippet({"load": load})

inventory = ns["Inventory"]()
done = threading.Thread(target=inventory.add_many, args=([("a", 2), ("b", 3), ("a", 1)],), daemon=True)
done.start()
done.join(2)
assert not done.is_alive() and inventory.count("a") == 3 and inventory.count("b") == 3

registry = ns["Registry"]()
seen: list[object] = []
registry.subscribe(lambda reg, key: seen.append(reg.get(key)))
putter = threading.Thread(target=registry.put, args=("model", "claude"), daemon=True)
putter.start()
putter.join(2)
assert not putter.is_alive() and seen == ["claude"], seen


async def fixed_async() -> object:
    cache = ns["AsyncCache"]()
    await cache.get_or_load("k")
    await asyncio.wait_for(cache.refresh(["k"]), 2)
    return await cache.get_or_load("k")


loads.clear()
assert asyncio.run(fixed_async()) == "K"
assert loads == ["k", "k"], loads
record(wrong_thread_hung=True, wrong_task_hung=True, fixed_calls_completed=3)
