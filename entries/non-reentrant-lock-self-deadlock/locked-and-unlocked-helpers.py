"""Never re-acquire a non-reentrant lock you already hold: split helpers, or use an RLock."""

import asyncio
import threading

# WRONG: a method that holds the lock calls another public method that takes it again.
#     def add_many(self, items):
#         with self._lock:
#             for sku, n in items:
#                 self.add(sku, n)   # add() does `with self._lock:` -> the thread waits for itself


class Inventory:
    """Public methods take the lock once; private *_locked helpers assume it is held."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stock: dict[str, int] = {}

    def add(self, sku: str, n: int) -> None:
        with self._lock:
            self._add_locked(sku, n)

    def add_many(self, items: list[tuple[str, int]]) -> None:
        with self._lock:
            for sku, n in items:
                self._add_locked(sku, n)

    def count(self, sku: str) -> int:
        with self._lock:
            return self._stock.get(sku, 0)

    def _add_locked(self, sku: str, n: int) -> None:
        self._stock[sku] = self._stock.get(sku, 0) + n


class Registry:
    """Listeners called under the lock may call back into the registry: an RLock allows that."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # the owning thread may re-acquire it
        self._items: dict[str, object] = {}
        self._listeners: list = []

    def subscribe(self, listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._items[key] = value
            for listener in self._listeners:
                listener(self, key)  # may call self.get(): fine with an RLock

    def get(self, key: str) -> object:
        with self._lock:
            return self._items.get(key)


class AsyncCache:
    """asyncio.Lock is not reentrant and asyncio has no RLock: the same split, in async code."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._data: dict[str, object] = {}

    async def get_or_load(self, key: str) -> object:
        async with self._lock:
            return await self._get_or_load_locked(key)

    async def refresh(self, keys: list[str]) -> None:
        async with self._lock:
            for key in keys:
                self._data.pop(key, None)
                await self._get_or_load_locked(key)  # not self.get_or_load(): it would wait forever

    async def _get_or_load_locked(self, key: str) -> object:
        if key not in self._data:
            self._data[key] = await load(key)
        return self._data[key]
