"""Release a lock on every way out of the function: `with lock:` (never bare acquire/release)."""

import asyncio
import threading

# WRONG: an early return or an exception between acquire() and release() leaves the lock held,
# and the next caller of any method that takes it blocks forever.
#     def withdraw(self, name, amount):
#         self._lock.acquire()
#         balance = self._balances.get(name)
#         if balance is None:
#             return None                      # returns holding the lock
#         if amount > balance:
#             raise ValueError("insufficient")  # raises holding the lock
#         self._balances[name] = balance - amount
#         self._lock.release()


class Accounts:
    """Every path out of a locked block (return, raise, break) releases the lock."""

    def __init__(self, balances: dict[str, int]) -> None:
        self._lock = threading.Lock()
        self._balances = dict(balances)

    def withdraw(self, name: str, amount: int) -> int | None:
        with self._lock:  # released by the with statement however the block ends
            balance = self._balances.get(name)
            if balance is None:
                return None
            if amount > balance:
                raise ValueError(f"insufficient funds in {name!r}")
            self._balances[name] = balance - amount
            return self._balances[name]

    def balance(self, name: str) -> int | None:
        with self._lock:
            return self._balances.get(name)


def update_under(lock: threading.Lock, apply, timeout: float = 10.0):
    """Where a with block cannot be used: acquire first, then try/finally, release only if held.

    acquire() stays outside the try: if it fails (timeout) there is nothing to release, and a
    release() of a lock this caller never took would free another thread's critical section
    (or raise RuntimeError: release unlocked lock).
    """
    if not lock.acquire(timeout=timeout):
        raise TimeoutError(f"lock not acquired within {timeout} s")
    try:
        return apply()
    finally:
        lock.release()


class AsyncAccounts:
    """asyncio.Lock the same way: `async with`, so an exception or a cancellation releases it."""

    def __init__(self, balances: dict[str, int]) -> None:
        self._lock = asyncio.Lock()
        self._balances = dict(balances)

    async def withdraw(self, name: str, amount: int) -> int:
        async with self._lock:
            await asyncio.sleep(0)  # the awaited call (a query, an HTTP request) may raise
            balance = self._balances[name]  # KeyError for an unknown account
            if amount > balance:
                raise ValueError(f"insufficient funds in {name!r}")
            self._balances[name] = balance - amount
            return self._balances[name]
