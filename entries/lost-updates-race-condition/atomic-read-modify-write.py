"""Stop losing updates: make every read-modify-write atomic, and keep slow work outside the lock."""

import asyncio
import itertools
import queue
import sqlite3
import threading

# WRONG: read, do anything that can switch to another thread or task, write back.
#     balance = self.balance
#     await audit_log(user, amount)        # another task runs here and writes its own balance...
#     self.balance = balance - amount      # ...which this write silently overwrites: a lost update
# The same with threads (`count += 1`, `d[k] = d.get(k, 0) + 1` around any I/O or call that
# releases the GIL) and with databases (SELECT balance, compute, UPDATE SET balance = <value>).


class Counter:
    """RIGHT (threads): a lock held only for the read-modify-write itself."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def add(self, n: int = 1) -> int:
        with self._lock:  # a few bytecodes; never put I/O or an LLM call in here
            self._value += n
            return self._value

    @property
    def value(self) -> int:
        with self._lock:
            return self._value


class Wallet:
    """RIGHT (asyncio): slow work first, outside the lock; check-and-update together, inside it."""

    def __init__(self, balance: int) -> None:
        self.balance = balance
        self._lock = asyncio.Lock()

    async def withdraw(self, amount: int, quote) -> int:
        price = await quote(amount)  # slow (HTTP, LLM, DB): other tasks run meanwhile, no lock held
        async with self._lock:  # no await inside: the check and the write cannot be interleaved
            if self.balance < price:
                raise ValueError(f"insufficient funds: balance {self.balance}, price {price}")
            self.balance -= price
            return self.balance


_ids = itertools.count(1)


def next_id() -> int:
    """RIGHT: unique ids across threads. next() on itertools.count is one C call, never interleaved.

    (Not `self.last += 1; return self.last`, and not SELECT MAX(id) + 1: let the database assign
    ids with INTEGER PRIMARY KEY / SERIAL / IDENTITY.)
    """
    return next(_ids)


def add_to_balance(conn: sqlite3.Connection, account_id: int, delta: int) -> None:
    """RIGHT (databases): the database does the read-modify-write in one statement.

    Not `SELECT balance` then `UPDATE ... SET balance = ?` with the value computed in Python. When
    the new value needs application logic, use SELECT ... FOR UPDATE (PostgreSQL/MySQL) or a
    version column: UPDATE ... SET balance = ?, version = version + 1 WHERE id = ? AND version = ?,
    and retry when no row was updated.
    """
    conn.execute("UPDATE accounts SET balance = balance + ? WHERE id = ?", (delta, account_id))


class Ledger:
    """RIGHT (single owner): one thread owns the totals; others only send it messages."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self._inbox: queue.Queue = queue.Queue()
        self._owner = threading.Thread(target=self._run, name="ledger-owner", daemon=True)
        self._owner.start()

    def add(self, key: str, delta: int) -> None:
        self._inbox.put((key, delta))

    def _run(self) -> None:
        while (item := self._inbox.get()) is not None:
            key, delta = item
            self.totals[key] = self.totals.get(key, 0) + delta  # only this thread ever writes

    def close(self, timeout: float = 5.0) -> dict[str, int]:
        """Apply everything sent so far, stop the owner, return the totals."""
        self._inbox.put(None)
        self._owner.join(timeout)
        return self.totals
