"""A lock acquired by hand stays held after an early return or an exception; `with` releases it.

Each wrong version runs one call that leaves by its error path, then a second caller on another
thread (or task), which waits on the lock with a deadline: it is still blocked with the wrong code
and completes with the snippet's. No other thread holds the lock at any point.
"""

import asyncio
import threading

from errata_check import load_snippet, record


class WrongAccounts:
    def __init__(self, balances: dict[str, int]) -> None:
        self._lock = threading.Lock()
        self._balances = dict(balances)

    def withdraw(self, name: str, amount: int):
        self._lock.acquire()
        balance = self._balances.get(name)
        if balance is None:
            return None
        if amount > balance:
            raise ValueError(f"insufficient funds in {name!r}")
        self._balances[name] = balance - amount
        self._lock.release()
        return self._balances[name]

    def balance(self, name: str):
        self._lock.acquire()
        value = self._balances.get(name)
        self._lock.release()
        return value


def second_caller_finishes(accounts) -> bool:
    """Another thread reads a balance; True if it got through the lock within 0.5 s."""
    done = threading.Event()
    threading.Thread(target=lambda: (accounts.balance("alice"), done.set()), daemon=True).start()
    return done.wait(0.5)


def leave_by(path: str, accounts) -> None:
    """One call that leaves the locked block by its early return or by its exception."""
    if path == "return":
        assert accounts.withdraw("nobody", 5) is None
    else:
        try:
            accounts.withdraw("alice", 10_000)
        except ValueError:
            pass
        else:
            raise AssertionError("expected insufficient funds")


hung = 0
for path in ("return", "raise"):
    wrong = WrongAccounts({"alice": 100})
    leave_by(path, wrong)
    assert wrong._lock.locked(), f"the {path} path should leave the lock held"
    assert not second_caller_finishes(wrong), f"the next caller should hang after the {path}"
    hung += 1

ns = load_snippet()
fixed_paths = 0
for path in ("return", "raise"):
    accounts = ns["Accounts"]({"alice": 100})
    leave_by(path, accounts)
    assert second_caller_finishes(accounts), f"the lock stayed held after the {path} path"
    assert accounts.withdraw("alice", 30) == 70
    fixed_paths += 1


def wrong_update_under(lock, apply, timeout=0.2):
    """acquire() inside the try: a timed-out acquire still runs release() in finally."""
    try:
        if not lock.acquire(timeout=timeout):
            raise TimeoutError("not acquired")
        return apply()
    finally:
        lock.release()


def freed_by_timed_out_caller(update_under) -> bool:
    """A holder keeps the lock; a caller times out. Is the holder's lock released under it?"""
    lock = threading.Lock()
    lock.acquire()  # the holder, in the middle of its critical section
    try:
        update_under(lock, lambda: None, timeout=0.2)
    except TimeoutError:
        pass
    return not lock.locked()


assert freed_by_timed_out_caller(wrong_update_under), "the wrong version frees the holder's lock"
assert not freed_by_timed_out_caller(ns["update_under"])
shared = threading.Lock()
assert ns["update_under"](shared, lambda: "ok") == "ok" and not shared.locked()
try:
    ns["update_under"](shared, lambda: 1 / 0)
except ZeroDivisionError:
    pass
assert not shared.locked(), "update_under must release when apply() raises"


class WrongAsyncAccounts:
    def __init__(self, balances: dict[str, int]) -> None:
        self._lock = asyncio.Lock()
        self._balances = dict(balances)

    async def withdraw(self, name: str, amount: int) -> int:
        await self._lock.acquire()
        await asyncio.sleep(0)
        balance = self._balances[name]
        if amount > balance:
            raise ValueError("insufficient funds")
        self._balances[name] = balance - amount
        self._lock.release()
        return self._balances[name]


async def next_task_finishes(accounts) -> bool:
    """A failing withdraw, then a valid one with a 0.5 s deadline: did the second one finish?"""
    try:
        await accounts.withdraw("bob", 1)
    except KeyError:
        pass
    try:
        await asyncio.wait_for(accounts.withdraw("alice", 1), 0.5)
    except TimeoutError:
        return False
    return True


assert not asyncio.run(next_task_finishes(WrongAsyncAccounts({"alice": 5})))
assert asyncio.run(next_task_finishes(ns["AsyncAccounts"]({"alice": 5})))
record(wrong_paths_hung=hung, fixed_paths_released=fixed_paths, wrong_timed_out_caller_freed_holder=True)
