"""Start worker processes from a fresh interpreter when the parent process already runs threads."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

# WRONG in a process that already runs threads (gunicorn --threads, a web server's thread pool,
# a logging/metrics/queue thread, a gRPC or HTTP client's threads, torch/OpenMP):
#     with multiprocessing.Pool(4) as pool:    # start method 'fork': the Linux default before 3.14
#         results = pool.map(work, items)       # never returns: a child copied a lock that another
#                                               # thread held at the fork, and no thread releases it
# fork() copies only the calling thread; every lock is copied in the state it had at that instant.

SPAWN = multiprocessing.get_context("spawn")  # "forkserver" also works on Linux and macOS


def map_in_processes(func, items, workers=2, timeout=None):
    """Run func over items in spawned workers: each one starts a new interpreter and imports
    what it needs, so it inherits no lock held by the parent's threads. func must be defined at
    module level (it is pickled by name) and the script's entry point must sit under
    `if __name__ == "__main__":` (spawned workers import the main module)."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=SPAWN) as pool:
        return list(pool.map(func, items, timeout=timeout))


def start_process(target, *args):
    """The same for one multiprocessing.Process: SPAWN.Process instead of multiprocessing.Process
    (and SPAWN.Pool(n) instead of multiprocessing.Pool(n))."""
    process = SPAWN.Process(target=target, args=args)
    process.start()
    return process
