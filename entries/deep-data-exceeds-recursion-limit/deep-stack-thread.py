"""When the recursion must stay (a library's recursive pickle or copy, a recursive algorithm you
cannot rewrite yet), a higher sys.setrecursionlimit alone lets the frames outgrow the C stack:
the process dies with "Segmentation fault" or "Fatal Python error: Cannot recover from stack
overflow" instead of a RecursionError. Raise the limit together with the stack it needs: run the
work in a thread created with threading.stack_size() big enough for that many levels.

WRONG:
    sys.setrecursionlimit(1_000_000)
    pickle.dumps(head)          # 100,000 linked objects on the main thread's 8 MB stack: SIGSEGV

RIGHT:
    data = run_with_deep_stack(pickle.dumps, head, recursion_limit=350_000)

pickle counts about 3 levels of the limit per linked object and copy.deepcopy 4, each level
taking up to about 1 KB of C stack: the thread gets 2 KB per level. On CPython 3.12 and 3.13, C
code (pickle, json, repr) has its own fixed recursion limit that sys.setrecursionlimit does not
raise: there, flatten the data instead.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
STACK_PER_LEVEL = 2048  # bytes of thread stack for each level of the recursion limit


def run_with_deep_stack(
    func: Callable[..., T], *args: Any, recursion_limit: int = 100_000, **kwargs: Any
) -> T:
    """func(*args, **kwargs) in a thread whose stack fits `recursion_limit` levels; its result."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = func(*args, **kwargs)
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    old_limit = sys.getrecursionlimit()
    mebibytes = -(-recursion_limit * STACK_PER_LEVEL // 1_048_576)  # rounded up
    old_size = threading.stack_size(max(mebibytes, 32) * 1_048_576)
    sys.setrecursionlimit(max(old_limit, recursion_limit))
    try:
        worker = threading.Thread(target=target, name="deep-stack")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
