"""A lock held by another thread at fork() stays held in the forked child; spawned workers start clean.

The check is the reader's program: a background thread holds a client's lock while the main
thread starts worker processes that need that lock. Forked workers wait on it until their 1 s
timeout (without it, forever); the snippet's spawned workers take it at once.
"""

import multiprocessing
import threading
import time

from errata_check import load_snippet, record

client_lock = threading.Lock()  # the reader's client's internal lock (a cache, a connection pool)
WAIT_S = 1.0


def use_client(item: int) -> bool:
    """The reader's task: it needs the client's lock. True when it got it within WAIT_S."""
    got = client_lock.acquire(timeout=WAIT_S)
    if got:
        client_lock.release()
    return got


def report(got: int) -> None:
    """A single Process's target: exits 0 when it got the lock, 3 when it did not."""
    raise SystemExit(0 if use_client(got) else 3)


class Holder:
    """A background thread (a metrics flush, a logging handler) inside the client's lock."""

    def __init__(self) -> None:
        self.inside, self.leave = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with client_lock:
            self.inside.set()
            self.leave.wait(10)

    def __enter__(self) -> "Holder":
        self.thread.start()
        assert self.inside.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.leave.set()
        self.thread.join(5)


def forked_pool_results() -> list[bool]:
    """WRONG: multiprocessing.Pool with 'fork' while the thread holds the lock."""
    with Holder():
        pool = multiprocessing.get_context("fork").Pool(2)  # the workers are forked here
    # The parent's thread has released the lock now; the children's copies stay locked.
    assert client_lock.acquire(timeout=1)
    client_lock.release()
    try:
        return pool.map(use_client, range(4))
    finally:
        pool.terminate()


if __name__ == "__main__":  # spawned workers import this file: only the parent runs the check
    start = time.perf_counter()
    wrong = forked_pool_results()
    wrong_s = time.perf_counter() - start
    assert wrong == [False] * 4, wrong  # every forked worker found the lock held

    ns = load_snippet({})
    with Holder():
        assert threading.active_count() >= 2
        start = time.perf_counter()
        fixed = ns["map_in_processes"](use_client, range(4), workers=2, timeout=20)
        fixed_s = time.perf_counter() - start
        process = ns["start_process"](report, 0)
        process.join(20)
    assert fixed == [True] * 4, fixed
    assert process.exitcode == 0, process.exitcode
    assert fixed_s < WAIT_S, fixed_s  # nobody waited for the lock
    record(
        forked_workers_stuck=wrong.count(False),
        wrong_s=round(wrong_s, 2),
        spawned_workers_ok=fixed.count(True),
        spawned_s=round(fixed_s, 2),
    )
