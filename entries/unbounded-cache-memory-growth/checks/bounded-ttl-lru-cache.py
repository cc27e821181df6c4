"""tracemalloc growth of an unbounded cache vs the bounded one; lru_cache on a method pins instances."""

import functools
import gc
import tracemalloc
import weakref

from errata_check import load_snippet, record

ns = load_snippet()
TTLCache, CachedLookup = ns["TTLCache"], ns["CachedLookup"]

REQUESTS = 20_000


def render(key: str) -> str:
    """The application's expensive function: a 1 KiB result per distinct request key."""
    return (key * 64)[:1024]


def measure(get) -> tuple[float, float]:
    """MiB allocated after the first 2,000 requests and after all of them (each request is a new key)."""
    tracemalloc.start()
    early = 0.0
    for i in range(REQUESTS):
        get(f"user-{i}:query")
        if i == 1999:
            early = tracemalloc.get_traced_memory()[0] / 2**20
    late = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    return early, late


# WRONG: functools.lru_cache(maxsize=None) grows with every distinct key.
unbounded = functools.lru_cache(maxsize=None)(render)
u_early, u_late = measure(unbounded)
assert unbounded.cache_info().currsize == REQUESTS
assert u_late > 5 * u_early, (u_early, u_late)

# RIGHT: TTLCache(maxsize=1000): memory plateaus after the first 1,000 keys.
cache = TTLCache(maxsize=1000, ttl=300)


def bounded(key: str) -> str:
    value = cache.get(key)
    if value is None:
        value = render(key)
        cache.set(key, value)
    return value


b_early, b_late = measure(bounded)
del unbounded
assert len(cache) == 1000
assert b_late < 1.5 * b_early and b_late < u_late / 5, (b_early, b_late, u_late)

# LRU order and TTL expiry on a simulated clock.
now = [0.0]
small = TTLCache(maxsize=2, ttl=10, clock=lambda: now[0])
small.set("a", 1)
small.set("b", 2)
assert small.get("a") == 1  # a is now the most recent
small.set("c", 3)  # evicts b, the least recently used
assert small.get("b") is None and small.get("a") == 1 and small.get("c") == 3
now[0] = 11
assert small.get("a") is None and small.get("c") is None


# WRONG: lru_cache on a method keeps every instance alive.
class Client:
    def __init__(self) -> None:
        self.buffer = bytearray(64 * 1024)  # what an instance drags along (sessions, buffers...)

    @functools.lru_cache(maxsize=None)
    def lookup(self, key: str) -> str:
        return render(key)


def survivors(make, call) -> int:
    refs = []
    for _ in range(100):
        obj = make()
        call(obj, "k")
        refs.append(weakref.ref(obj))
        del obj
    gc.collect()
    return sum(ref() is not None for ref in refs)


pinned = survivors(Client, lambda c, k: c.lookup(k))
assert pinned == 100, pinned
freed_left = survivors(lambda: CachedLookup(render), lambda c, k: c.lookup(k))
assert freed_left == 0, freed_left
calls = []
lookup = CachedLookup(lambda k: calls.append(k) or render(k))
assert lookup.lookup("x") == lookup.lookup("x") and calls == ["x"]

record(
    distinct_keys=REQUESTS,
    unbounded_mib_after_2000=round(u_early, 2),
    unbounded_mib_after_20000=round(u_late, 2),
    bounded_mib_after_2000=round(b_early, 2),
    bounded_mib_after_20000=round(b_late, 2),
    method_lru_cache_instances_pinned=pinned,
    owned_cache_instances_pinned=freed_left,
)
