"""Let a program with a thread pool exit: jobs that watch a stop event, and a shutdown that drops queued work."""

import threading
from concurrent.futures import ThreadPoolExecutor

# WRONG: an executor whose jobs never end, or with a long backlog, and nothing to stop them.
#     pool = ThreadPoolExecutor(max_workers=4)
#     pool.submit(poll_forever)                 # while True: ... ; time.sleep(5)
#     for item in items: pool.submit(handle, item)
#     # main() returns -> the interpreter joins the pool's (non-daemon) workers at exit:
#     # it waits for the whole backlog, or forever; Ctrl+C seems to do nothing.
# A thread that keeps submitting while the interpreter exits gets
#     RuntimeError: cannot schedule new futures after interpreter shutdown


def poll_forever(stop: threading.Event, interval: float, work) -> None:
    """A periodic job that ends within `interval` of stop.set(): wait on the event, never time.sleep."""
    while not stop.wait(interval):
        work()


class Workers:
    """A thread pool whose jobs receive a stop event; closing it stops them and cancels queued jobs."""

    def __init__(self, max_workers: int = 4) -> None:
        self.stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=max_workers)

    def submit(self, fn, *args):
        """fn(stop, *args): long-running jobs should check stop and return when it is set."""
        return self._pool.submit(fn, self.stop, *args)

    def close(self) -> None:
        self.stop.set()  # running jobs return at their next check
        self._pool.shutdown(wait=True, cancel_futures=True)  # queued jobs never start (3.9+)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()  # also on exceptions and KeyboardInterrupt inside the with-block
