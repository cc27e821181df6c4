"""Opposite lock orders deadlock two threads; the ordered transfer survives the same interleaving."""

import threading
import time

from errata_check import load_snippet, record


class SlowLock:
    """A lock that holds on a moment after acquiring, like real work would: makes races certain."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        ok = self._lock.acquire(blocking, timeout)
        if ok:
            time.sleep(0.001)
        return ok

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> "SlowLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


class Account:
    """The reader's account object."""

    def __init__(self, account_id: int, balance: int) -> None:
        self.id = account_id
        self.balance = balance
        self.lock = SlowLock()


def wrong_transfer(src: Account, dst: Account, amount: int) -> None:
    with src.lock:
        with dst.lock:
            src.balance -= amount
            dst.balance += amount


def hammer(transfer, rounds: int, wait_s: float) -> tuple[bool, float, Account, Account]:
    a, b = Account(1, 1000), Account(2, 1000)
    errors: list[BaseException] = []

    def run(src: Account, dst: Account) -> None:
        try:
            for _ in range(rounds):
                transfer(src, dst, 1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(a, b), daemon=True),
        threading.Thread(target=run, args=(b, a), daemon=True),
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    deadline = start + wait_s
    for t in threads:
        t.join(max(0.0, deadline - time.perf_counter()))
    finished = not any(t.is_alive() for t in threads)
    assert not errors, errors
    return finished, time.perf_counter() - start, a, b


wrong_finished, wrong_s, _, _ = hammer(wrong_transfer, 100, 0.5)
assert not wrong_finished, "expected the opposite-order transfers to deadlock"

ns = load_snippet({})
right_finished, right_s, a, b = hammer(ns["transfer"], 100, 3.0)
assert right_finished, "ordered transfers must not deadlock"
assert a.balance + b.balance == 2000 and a.balance == b.balance == 1000, (a.balance, b.balance)

# A lock held elsewhere makes transfer fail loudly within its timeout instead of hanging.
c, d = Account(3, 10), Account(4, 10)
d.lock.acquire()
start = time.perf_counter()
try:
    ns["transfer"](c, d, 1, timeout=0.1)
    timed_out = False
except TimeoutError:
    timed_out = True
waited = time.perf_counter() - start
d.lock.release()
assert timed_out and waited < 1.0 and c.balance == 10, (timed_out, waited, c.balance)
record(wrong_deadlocked=True, right_transfers=200, right_ms=round(right_s * 1000, 1), timeout_ms=round(waited * 1000, 1))
