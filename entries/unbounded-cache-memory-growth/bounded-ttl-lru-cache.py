"""Caches keyed by request data must be bounded (size and age), and must not keep their owners alive."""

import threading
import time
from collections import OrderedDict

# WRONG 1: a cache that only ever grows.
#     _cache = {}                                   # keyed by user id, URL, prompt text...
#     @functools.lru_cache(maxsize=None)            # or @functools.cache: no limit at all
#     def render(prompt: str) -> str: ...
# WRONG 2: lru_cache on a method. The cache is global to the class and keys include `self`, so
# every instance that ever called it stays alive (with everything it references) until evicted.
#     class Client:
#         @functools.lru_cache(maxsize=None)
#         def lookup(self, key): ...
#
# RIGHT for a pure module-level function: give lru_cache a size, functools.lru_cache(maxsize=4096).


class TTLCache:
    """A thread-safe cache holding at most `maxsize` entries, each for at most `ttl` seconds;
    the least recently used entry is evicted first."""

    def __init__(self, maxsize: int = 1024, ttl: float = 300.0, clock=time.monotonic):
        if maxsize <= 0:
            raise ValueError("maxsize must be positive")
        self.maxsize, self.ttl, self._clock = maxsize, ttl, clock
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return default
            expires, value = item
            if expires <= self._clock():
                del self._data[key]
                return default
            self._data.move_to_end(key)
            return value

    def set(self, key, value) -> None:
        with self._lock:
            self._data[key] = (self._clock() + self.ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class CachedLookup:
    """RIGHT instead of lru_cache on a method: each instance owns its bounded cache, so the cache
    dies with the instance and never pins it."""

    def __init__(self, resolve, maxsize: int = 256, ttl: float = 60.0):
        self._resolve = resolve
        self._cache = TTLCache(maxsize=maxsize, ttl=ttl)

    def lookup(self, key):
        missing = object()
        value = self._cache.get(key, missing)
        if value is missing:
            value = self._resolve(key)  # computed outside the cache lock: slow work never blocks others
            self._cache.set(key, value)
        return value
