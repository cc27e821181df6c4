"""Memoise functions that take dicts and lists: key on a canonical JSON of the arguments."""

import functools
import json
from collections import OrderedDict

# WRONG: @functools.lru_cache on a function called with a dict or list
#     -> TypeError: unhashable type: 'dict'


def json_cache(max_size: int = 256):
    """Like lru_cache, for JSON-like arguments (dicts, lists, nested)."""

    def decorate(func):
        cache: OrderedDict[str, object] = OrderedDict()

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            key = json.dumps([args, kwargs], sort_keys=True, default=repr)
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
            result = func(*args, **kwargs)
            cache[key] = result
            if len(cache) > max_size:
                cache.popitem(last=False)
            return result

        wrapper.cache = cache
        return wrapper

    return decorate
