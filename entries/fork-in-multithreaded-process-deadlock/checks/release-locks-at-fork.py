"""A forked child deadlocks on a lock another thread held at fork(); the snippet's at-fork handlers
hold the lock across the fork so the child gets it unlocked, with an empty connection cache.

The check is the reader's program: a thread is inside the module's lock (its connect takes
0.3 s) when the main thread forks a worker that needs the same lock.
"""

import multiprocessing
import os
import threading
import time

from errata_check import load_snippet, record

CONNECT_S = 0.3
WAIT_S = 1.0


def slow_connect(key: str) -> str:
    """The reader's connect: slow enough that a fork lands while a thread is inside the lock."""
    time.sleep(CONNECT_S)
    return f"{key}@{os.getpid()}"


class UnsafeCache:
    """WRONG: the same cache with a plain module lock and no at-fork handlers."""

    def __init__(self) -> None:
        self.lock, self.connections = threading.Lock(), {}

    def get_connection(self, key: str, connect: object) -> str:
        if not self.lock.acquire(timeout=WAIT_S):  # a timeout so the check ends; real code hangs
            raise TimeoutError("lock held by a thread that does not exist in this process")
        try:
            if key not in self.connections:
                self.connections[key] = connect(key)  # type: ignore[operator]
            return self.connections[key]
        finally:
            self.lock.release()


def fork_while_inside(get_connection, in_child) -> tuple[str, float]:
    """Start a thread that connects under the lock, fork a worker meanwhile, return its answer."""
    inside = threading.Event()

    def connect_in_thread(key: str) -> str:
        inside.set()
        return slow_connect(key)

    thread = threading.Thread(target=get_connection, args=("db", connect_in_thread))
    thread.start()
    assert inside.wait(5)  # the thread is inside the lock now
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(1) as pool:  # forks while the lock is held
        answer = pool.apply(in_child)
    thread.join(5)
    return answer, time.perf_counter() - start


unsafe = UnsafeCache()


def unsafe_child() -> str:
    try:
        return unsafe.get_connection("db", slow_connect)
    except TimeoutError as exc:
        return f"TimeoutError: {exc}"


wrong, wrong_s = fork_while_inside(unsafe.get_connection, unsafe_child)
assert wrong == "TimeoutError: lock held by a thread that does not exist in this process", wrong

ns = load_snippet({})


def safe_child() -> str:
    return ns["get_connection"]("db", slow_connect)


fixed, fixed_s = fork_while_inside(ns["get_connection"], safe_child)
parent_pid = os.getpid()
assert fixed.startswith("db@") and fixed != f"db@{parent_pid}", fixed  # the child's own connection
assert ns["get_connection"]("db", slow_connect) == f"db@{parent_pid}"  # the parent keeps its own
assert fixed_s < CONNECT_S + WAIT_S, fixed_s
record(
    wrong_child="TimeoutError (would wait forever)",
    wrong_s=round(wrong_s, 2),
    fixed_child_connection="its own",
    fixed_s=round(fixed_s, 2),
)
