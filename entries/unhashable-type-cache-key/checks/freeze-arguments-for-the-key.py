"""lru_cache refuses dict/list arguments; the JSON-keyed cache works and stays correct."""

import functools

from errata_check import load_snippet, record

calls = []


def embed(messages: list, options: dict) -> str:
    """The reader's expensive call."""
    calls.append(1)
    return f"{len(messages)}:{options.get('model')}"


cached_wrong = functools.lru_cache(maxsize=16)(embed)
failures = []
for args in (([{"role": "user"}], {"model": "m"}), (["hi"], {"model": "m"})):
    try:
        cached_wrong(*args)
    except TypeError as exc:
        failures.append(str(exc))
assert failures and all(f.startswith("unhashable type:") for f in failures), failures

ns = load_snippet()
cached = ns["json_cache"](max_size=3)(embed)
calls.clear()
msgs = [{"role": "user", "content": "hi"}]
assert cached(msgs, {"model": "m", "dims": 8}) == "1:m"
assert cached(msgs, {"dims": 8, "model": "m"}) == "1:m"  # same dict, other key order: a hit
assert len(calls) == 1
assert cached([{"role": "user", "content": "ho"}], {"model": "m", "dims": 8}) == "1:m"
assert len(calls) == 2  # a nested change is a miss
opts = {"model": "x"}
cached(msgs, opts)
assert opts == {"model": "x"}
for i in range(5):
    cached(msgs, {"model": str(i)})
assert len(cached.cache) == 3
record(wrong_failures=len(failures), fixed_calls_for_two_equal_requests=1)
