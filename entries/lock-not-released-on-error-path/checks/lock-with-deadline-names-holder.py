"""A leaked lock: the next acquire raises LockTimeout naming the leaking function, not a hang.

A worker thread takes the lock by hand and returns early without releasing it, then ends.
With a plain Lock the next caller would wait forever; the TracedLock's acquire raises within
its deadline, and its message names the function that took the lock and says its thread ended.
Released normally (with), the lock is taken again at once and describes no holder.
"""

import threading

from errata_check import load_snippet, record

ns = load_snippet()
TracedLock, LockTimeout = ns["TracedLock"], ns["LockTimeout"]

lock = TracedLock("accounts", timeout=0.3)


def refresh_accounts(source: dict) -> bool:
    """The leaking code: it returns on the error path before release()."""
    lock.acquire()
    if not source:
        return False
    lock.release()
    return True


worker = threading.Thread(target=refresh_accounts, args=({},), name="refresher")
worker.start()
worker.join(2)
assert not worker.is_alive()

try:
    with lock:
        raise AssertionError("the leaked lock was acquired")
except LockTimeout as error:
    message = str(error)
assert "refresh_accounts" in message, message
assert "'refresher'" in message and "ended: the lock was never released" in message, message

healthy = TracedLock("cache", timeout=0.3)
for _ in range(3):
    with healthy:
        pass
try:
    with healthy:
        raise ValueError("fails inside the block")
except ValueError:
    pass
with healthy:  # released by __exit__ despite the exception: acquired again at once
    pass
assert healthy.describe_holder() == "lock 'cache' not acquired within 0.3 s"
record(leak_raised_within_s=0.3, named_function="refresh_accounts", holder_thread_ended=True)
