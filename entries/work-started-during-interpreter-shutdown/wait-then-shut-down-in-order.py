"""Keep the main thread alive while background work runs, then stop it in order: producer, then pool."""

import threading
from concurrent.futures import ThreadPoolExecutor

# WRONG: start background work and let the main thread fall off the end of the script.
#     scheduler = BackgroundScheduler(); scheduler.add_job(tick, "interval", seconds=5)
#     scheduler.start()            # returns at once; main() returns; the interpreter shuts down
#     threading.Thread(target=serve).start()   # a server thread that submits to a pool
# At exit concurrent.futures marks every pool shut down, so the next submit fails with
#     RuntimeError: cannot schedule new futures after interpreter shutdown
# (APScheduler: Error submitting job ... to executor "default"), and on Python 3.12+ a thread
# started that late (an atexit handler, a handler's flush in logging.shutdown, __del__) fails with
#     RuntimeError: can't create new thread at interpreter shutdown
# APScheduler's own fix: BlockingScheduler, or start() then block the main thread and shutdown().


class BackgroundService:
    """A producer thread that submits work to a pool; the main thread owns both and closes them."""

    def __init__(self, work, interval: float, first_after: float = 0.0, max_workers: int = 2) -> None:
        self.stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=max_workers)
        self._args = (work, interval, first_after)
        self._producer = threading.Thread(target=self._loop, name="producer")

    def _loop(self) -> None:
        work, interval, first_after = self._args
        if self.stop.wait(first_after):
            return
        while not self.stop.is_set():
            self._pool.submit(work)
            self.stop.wait(interval)

    def start(self) -> "BackgroundService":
        self._producer.start()
        return self

    def run_until(self, done: threading.Event, timeout: float | None = None) -> bool:
        """Block the calling (main) thread until done is set (a signal handler, a job, a request), then close."""
        try:
            return done.wait(timeout)
        finally:
            self.close()

    def close(self) -> None:
        """Shut down in order: the producer submits nothing more and returns, then the pool drains."""
        self.stop.set()
        self._producer.join()
        self._pool.shutdown(wait=True)
