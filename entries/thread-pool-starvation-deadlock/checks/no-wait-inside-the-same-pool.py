"""Parents that wait on children queued to their own bounded pool hang once every worker is a
parent; separate pools per level, leaves submitted by the caller, or a chord finish."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

from errata_check import load_snippet, record

WORKERS = 2
HANG_S = 1.0  # the wrong code can never finish: any wait shows it; the fixes get 20 s
OK_S = 20.0


def split(item: int) -> list[int]:
    return [item * 10 + k for k in range(3)]


def work(part: int) -> int:
    time.sleep(0.01)
    return part * 2


def expected(items) -> list[list[int]]:
    return [[work(p) for p in split(i)] for i in items]


def wrong_run(parents: int) -> dict:
    """The WRONG shape: parents submit their children to the same pool and block on them."""
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="app")

    waiting: list[str] = []  # the worker threads blocked in a parent's wait on its children
    lock = threading.Lock()

    def parent(item):
        children = [pool.submit(work, part) for part in split(item)]
        with lock:
            waiting.append(threading.current_thread().name)
        results = [c.result() for c in children]
        with lock:
            waiting.remove(threading.current_thread().name)
        return results

    futures = [pool.submit(parent, i) for i in range(parents)]
    finished, pending = wait(futures, timeout=HANG_S)
    with lock:
        blocked = sorted(waiting)  # where the workers are: every one waits inside a parent
    queued = pool._work_queue.qsize()
    # Release the hang for the check only: cancelling the queued children wakes their waiters.
    pool.shutdown(wait=True, cancel_futures=True)
    outcome = "done" if not pending else "hung"
    errors = {type(f.exception()).__name__ for f in futures if f.done() and f.exception()}
    return {
        "outcome": outcome,
        "queued": queued,
        "blocked": blocked,
        "errors": errors,
        "results": [f.result() for f in finished] if not pending else None,
    }


# WRONG 1: one parent, two workers: the free worker runs the children, so it works...
few = wrong_run(parents=1)
assert few["outcome"] == "done" and few["results"] == expected([0]), few

# WRONG 2: ...as many parents as workers: every worker waits on children nobody can run.
many = wrong_run(parents=WORKERS)
assert many["outcome"] == "hung", many
assert many["queued"] == WORKERS * 3, many  # all the children still queued, none started
assert len(many["blocked"]) == WORKERS, many  # every worker blocked in a parent's wait
assert all(name.startswith("app") for name in many["blocked"]), many
assert many["errors"] == {"CancelledError"}, many  # the releasing cancel reached the parents

ns = load_snippet()
ITEMS = list(range(8))  # four times as many parents as workers

# FIXED 1: a pool per level; parents wait only on the child pool, which never waits.
start = time.monotonic()
nested = ns["map_nested"](ITEMS, split, work, workers=WORKERS, timeout=OK_S)
nested_s = time.monotonic() - start
assert nested == expected(ITEMS), nested

# FIXED 2: flatten: the caller submits every leaf, even to a one-worker pool.
with ThreadPoolExecutor(max_workers=1) as single:
    flat = ns["map_flat"](ITEMS, split, work, pool=single, timeout=OK_S)
assert flat == expected(ITEMS), flat

# FIXED 3: a chord: children then a callback, no task waits; the caller waits on the chord.
with ThreadPoolExecutor(max_workers=WORKERS) as pool:
    chords = [ns["submit_chord"](pool, work, split(i), sum) for i in ITEMS]
    sums = [c.result(OK_S) for c in chords]
    failing = ns["submit_chord"](pool, lambda p: 1 // (p % 10), [10, 11], sum)
    try:
        failing.result(OK_S)
        chord_error = ""
    except ZeroDivisionError as exc:
        chord_error = type(exc).__name__
    empty = ns["submit_chord"](pool, work, [], len).result(OK_S)
assert sums == [sum(group) for group in expected(ITEMS)], sums
assert chord_error == "ZeroDivisionError" and empty == 0, (chord_error, empty)

# FIXED 4: the guard refuses a wait from inside the pool at once, even when it would not hang.
with ThreadPoolExecutor(max_workers=WORKERS) as pool:
    guard = ns["result_outside_pool"]

    def guarded_parent(item):
        children = [pool.submit(work, part) for part in split(item)]
        return [guard(c, pool) for c in children]

    start = time.monotonic()
    try:
        pool.submit(guarded_parent, 0).result(OK_S)
        refused = ""
    except RuntimeError as exc:
        refused = str(exc)
    refused_s = time.monotonic() - start
    outside = guard(pool.submit(work, 4), pool, OK_S)  # the caller's thread may wait
assert "can deadlock" in refused and refused_s < HANG_S, (refused, refused_s)
assert outside == 8, outside

record(
    workers=WORKERS,
    wrong_one_parent="done",
    wrong_parents_equal_workers=many["outcome"],
    wrong_children_left_queued=many["queued"],
    wrong_workers_blocked_in_parent=len(many["blocked"]),
    fixed_pool_per_level_parents=len(nested),
    fixed_pool_per_level_s=round(nested_s, 2),
    fixed_flat_one_worker=len(flat),
    fixed_chord_sums=len(sums),
    guard_refused_s=round(refused_s, 3),
)
