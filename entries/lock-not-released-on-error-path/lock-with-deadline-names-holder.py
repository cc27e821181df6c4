"""Turn a silent hang on a leaked lock into an error that names where the lock was taken.

Use while hunting the leak (or keep it on hot locks): a timed-out acquire raises LockTimeout
with the function and line that last acquired the lock, the thread that did it, how long ago,
and whether that thread has ended, which means the lock left with it and was never released.
"""

import threading
import time
import traceback


class LockTimeout(RuntimeError):
    """The lock was not acquired in time; the message says who holds it and since when."""


class TracedLock:
    """A threading.Lock that remembers its holder; use it as `with lock:` like the plain one."""

    def __init__(self, name: str, timeout: float = 30.0) -> None:
        self.name = name
        self.timeout = timeout
        self._lock = threading.Lock()
        self._holder: threading.Thread | None = None
        self._site = ""
        self._since = 0.0

    def acquire(self) -> None:
        if not self._lock.acquire(timeout=self.timeout):
            raise LockTimeout(self.describe_holder())
        self._holder, self._site = threading.current_thread(), _caller_site()
        self._since = time.monotonic()

    def release(self) -> None:
        self._holder, self._site = None, ""
        self._lock.release()

    def __enter__(self) -> "TracedLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def describe_holder(self) -> str:
        holder, site = self._holder, self._site  # read once: the holder may release meanwhile
        if holder is None:
            return f"lock {self.name!r} not acquired within {self.timeout} s"
        state = "ended: the lock was never released" if not holder.is_alive() else "alive"
        return (
            f"lock {self.name!r} not acquired within {self.timeout} s: taken "
            f"{time.monotonic() - self._since:.1f} s ago at {site} by thread "
            f"{holder.name!r} ({state})"
        )


def _caller_site() -> str:
    """The innermost frame outside this module: the code that took the lock."""
    for frame in reversed(traceback.extract_stack()):
        if frame.filename != __file__:
            return f"{frame.name} ({frame.filename}:{frame.lineno})"
    return "unknown"
