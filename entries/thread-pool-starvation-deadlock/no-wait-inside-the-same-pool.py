"""Fan work out over a bounded pool without a task ever waiting on work queued to its own pool."""

import threading
from concurrent.futures import Future, ThreadPoolExecutor

# WRONG: a task of the pool submits subtasks to the same pool and blocks on them:
#     pool = ThreadPoolExecutor(max_workers=4)
#     def parent(item):
#         children = [pool.submit(child, part) for part in split(item)]
#         return [c.result() for c in children]    # waits on work queued behind itself
#     results = [f.result() for f in [pool.submit(parent, i) for i in items]]
# With fewer parents than workers a free worker runs the children and it works; once every
# worker holds a parent, the children sit in the queue with no thread to run them and the
# program hangs forever, at 0% CPU, with no error. Java's newFixedThreadPool with get(),
# CompletableFuture.join() in the ForkJoin common pool and a Celery task calling .get() on a
# subtask (which Celery refuses: "Never call result.get() within a task!") are the same cycle.


class PoolPerLevel:
    """One bounded pool per nesting level: a task of level n waits only on tasks of level n + 1.

    The innermost level never waits on anything, so it always finishes and frees its callers.
    """

    def __init__(self, levels: int = 2, workers: int = 4, name: str = "level") -> None:
        self.pools = [
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{name}{n}")
            for n in range(levels)
        ]

    def submit(self, level: int, fn, /, *args, **kwargs) -> Future:
        return self.pools[level].submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True) -> None:
        for pool in reversed(self.pools):
            pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> "PoolPerLevel":
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()


def map_nested(items, split, work, *, workers: int = 4, timeout: float | None = None) -> list:
    """For each item, run work() on every part of split(item) in parallel; one result list per item.

    Parents run in the level-0 pool and wait on children in the level-1 pool, never on their own.
    """
    with PoolPerLevel(levels=2, workers=workers) as levels:

        def parent(item):
            children = [levels.submit(1, work, part) for part in split(item)]
            return [child.result(timeout) for child in children]

        parents = [levels.submit(0, parent, item) for item in items]
        return [p.result(timeout) for p in parents]


def map_flat(items, split, work, *, pool: ThreadPoolExecutor, timeout: float | None = None) -> list:
    """Flatten: the caller (not a pool task) submits every leaf, then regroups the results.

    No task of `pool` waits on anything, so any pool size, even 1, finishes.
    """
    groups = [[pool.submit(work, part) for part in split(item)] for item in items]
    return [[leaf.result(timeout) for leaf in group] for group in groups]


def submit_chord(pool: ThreadPoolExecutor, fn, parts, callback) -> Future:
    """Celery's chord without the broker: run fn on every part, then callback(results), no waiting.

    The last child to finish submits the callback; the returned Future gets its value. Wait on
    that Future from outside the pool (or chain more work on it), never from a task of `pool`.
    """
    parts = list(parts)
    done: Future = Future()
    results: list = [None] * len(parts)
    remaining = [len(parts)]
    lock = threading.Lock()

    def finish():
        try:
            done.set_result(callback(results))
        except BaseException as exc:  # the chord fails with the callback's error
            done.set_exception(exc)

    def child_done(index: int, child: Future) -> None:
        with lock:
            if done.done():
                return
            if child.cancelled():  # the pool was shut down with cancel_futures=True
                done.cancel()
                return
            if child.exception() is not None:
                done.set_exception(child.exception())
                return
            results[index] = child.result()
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            pool.submit(finish)

    if not parts:
        pool.submit(finish)
    for index, part in enumerate(parts):
        pool.submit(fn, part).add_done_callback(lambda f, i=index: child_done(i, f))
    return done


def result_outside_pool(future: Future, pool: ThreadPoolExecutor, timeout: float | None = None):
    """future.result(), refused with an error when called from a worker of `pool` itself.

    Like Celery's guard: a task of a bounded pool that waits on the same pool can starve it,
    so fail at once, on every run, instead of hanging only when the pool is full.
    """
    if threading.current_thread() in getattr(pool, "_threads", ()):
        raise RuntimeError(
            "waiting inside a pool on work queued to the same pool can deadlock: "
            "use a separate pool, submit the leaves from the caller, or a callback (submit_chord)"
        )
    return future.result(timeout)
