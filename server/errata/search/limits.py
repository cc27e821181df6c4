"""Bounds on what one query may cost: the lines read, the characters of a line, the CPU time.

A query is any text a client sends, up to a megabyte. Every pattern the normalizer applies is
linear in the line it reads (see `mask.py`), lines are clipped before any pattern runs, and a
CPU budget stops the reading: past most of it the middle of a long paste is skipped for its
last lines, where a Python traceback puts its error; past all of it the rest is ignored and
the query is answered from what was read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

MAX_LINES = 20_000  # read from the start of a paste ...
TAIL_LINES = 2_000  # ... and from its end
LAST_LINES = 200  # read when the budget is mostly spent ...
# ... that is, when this share of it is used: the rest reads LAST_LINES of the widest lines the
# patterns read with room to spare. At 0.75 the last 200 lines of a megabyte of masked units took
# about 80% of what was left, and on a machine whose other core was busy the budget ran out
# before the error line that ends the paste (a megabyte query now takes 0.07 s of CPU, not 0.1).
TAIL_SHARE = 0.5
BUDGET_SECONDS = 0.1  # CPU time of the calling thread for one query's lines
_CHECK_EVERY = 16  # lines between two looks at the clock (a look costs a few microseconds)


def clip(line: str, limit: int) -> str:
    """At most `limit` characters of a line: its head (the level, the error type and message
    start there) and its last quarter (where a flattened trace ends), joined by an ellipsis."""
    if len(line) <= limit:
        return line
    tail = limit // 4
    return line[: limit - tail - 3] + " … " + line[-tail:]


class CpuBudget:
    """CPU seconds of the calling thread (other requests' work is not counted against it)."""

    def __init__(self, seconds: float = BUDGET_SECONDS) -> None:
        self.seconds = seconds
        self._start = time.thread_time()

    def used(self) -> float:
        """CPU seconds this thread spent since the budget was opened."""
        return time.thread_time() - self._start

    def spent(self, share: float = 1.0) -> bool:
        """Whether `share` of the budget is used up."""
        return self.used() >= self.seconds * share


def read_order(count: int, budget: CpuBudget) -> Iterator[int]:
    """Indexes of the lines to read among `count`, in order, while the budget lasts."""
    index = 0
    skipped_to_end = False
    while index < count:
        if index % _CHECK_EVERY == 0:
            if budget.spent():
                return
            if not skipped_to_end and budget.spent(TAIL_SHARE):
                skipped_to_end = True
                index = max(index, count - LAST_LINES)
        if MAX_LINES <= index < count - TAIL_LINES:
            index = count - TAIL_LINES
        yield index
        index += 1
