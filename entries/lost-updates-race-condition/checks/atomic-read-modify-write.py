"""Reproduce lost updates with threads, asyncio and SQLite; show each fix keeps every update,
and that the short lock does not serialize the slow work (unlike a lock held across it)."""

import asyncio
import sqlite3
import sys
import threading
import time

from errata_check import load_snippet, record, scaled

ns = load_snippet()
Counter, Wallet, next_id = ns["Counter"], ns["Wallet"], ns["next_id"]
add_to_balance, Ledger = ns["add_to_balance"], ns["Ledger"]
sys.setswitchinterval(1e-5)  # switch threads often, as a busy server does
THREADS, PER_THREAD = 8, 1250
EXPECTED = THREADS * PER_THREAD  # 10000


def run_threads(target) -> None:
    threads = [threading.Thread(target=target) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert not any(t.is_alive() for t in threads)


# 1. Threads. WRONG: read, a call that releases the GIL (logging, metrics, I/O), write.
state = {"count": 0}


def wrong_increments() -> None:
    for _ in range(PER_THREAD):
        current = state["count"]
        time.sleep(0)  # stands for the log line / metric call between the read and the write
        state["count"] = current + 1


run_threads(wrong_increments)
threads_wrong = state["count"]
assert threads_wrong < EXPECTED, f"expected lost updates, got {threads_wrong}"

counter = Counter()


def right_increments() -> None:
    for _ in range(PER_THREAD):
        counter.add(1)
        time.sleep(0)  # the same switch, now outside the critical section


run_threads(right_increments)
threads_right = counter.value
assert threads_right == EXPECTED, threads_right

# 2. Unique ids. WRONG: SELECT MAX(id) + 1 from several workers -> UNIQUE constraint failed.
db = sqlite3.connect("jobs.db", isolation_level=None, timeout=5)
db.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT)")
duplicate_errors: list[str] = []


def wrong_ids() -> None:
    conn = sqlite3.connect("jobs.db", isolation_level=None, timeout=5)
    for i in range(40):
        new_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM jobs").fetchone()[0]
        time.sleep(0)
        try:
            conn.execute("INSERT INTO jobs (id, name) VALUES (?, ?)", (new_id, f"job{i}"))
        except sqlite3.IntegrityError as err:
            duplicate_errors.append(str(err))
    conn.close()


run_threads(wrong_ids)
assert duplicate_errors and duplicate_errors[0] == "UNIQUE constraint failed: jobs.id", duplicate_errors[:1]
ids: list[int] = []
run_threads(lambda: ids.extend(next_id() for _ in range(PER_THREAD)))
assert len(ids) == EXPECTED and len(set(ids)) == EXPECTED

# 3. SQL. WRONG: SELECT the balance, compute in Python, UPDATE with the computed value.
db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
db.execute("INSERT INTO accounts VALUES (1, 0), (2, 0)")
SQL_PER_THREAD = 60


def wrong_sql() -> None:
    conn = sqlite3.connect("jobs.db", isolation_level=None, timeout=5)
    for _ in range(SQL_PER_THREAD):
        (balance,) = conn.execute("SELECT balance FROM accounts WHERE id = 1").fetchone()
        time.sleep(0)
        conn.execute("UPDATE accounts SET balance = ? WHERE id = 1", (balance + 1,))
    conn.close()


def right_sql() -> None:
    conn = sqlite3.connect("jobs.db", isolation_level=None, timeout=5)
    for _ in range(SQL_PER_THREAD):
        add_to_balance(conn, 2, 1)
        time.sleep(0)
    conn.close()


run_threads(wrong_sql)
run_threads(right_sql)
sql_wrong, sql_right = (row[0] for row in db.execute("SELECT balance FROM accounts ORDER BY id"))
assert sql_wrong < THREADS * SQL_PER_THREAD, sql_wrong
assert sql_right == THREADS * SQL_PER_THREAD, sql_right

# 4. Single owner: 8 threads send 10000 deltas, every one is applied.
ledger = Ledger()
run_threads(lambda: [ledger.add("tokens", 1) for _ in range(PER_THREAD)])
assert ledger.close()["tokens"] == EXPECTED

# 5. asyncio, one thread, no threads at all: an await between read and write loses updates.
TASKS = 20
SLOW = scaled(2000)  # a 2 s price quote / LLM call, 20 ms here


async def quote(amount: int) -> int:
    await asyncio.sleep(SLOW)
    return amount


class WrongWallet:
    def __init__(self, balance: int) -> None:
        self.balance = balance

    async def withdraw(self, amount: int) -> int:
        balance = self.balance
        if balance < amount:
            raise ValueError("insufficient funds")
        price = await quote(amount)  # the await between the read and the write
        self.balance = balance - price
        return self.balance


class LockAroundSlowWork:
    """Correct but serial: the lock is held across the slow call (the agent-holds-lock-too-long bug)."""

    def __init__(self, balance: int) -> None:
        self.balance = balance
        self._lock = asyncio.Lock()

    async def withdraw(self, amount: int) -> int:
        async with self._lock:
            price = await quote(amount)
            if self.balance < price:
                raise ValueError("insufficient funds")
            self.balance -= price
            return self.balance


async def spend(wallet, n: int, withdraw) -> tuple[int, int, float]:
    start = time.perf_counter()
    results = await asyncio.gather(*(withdraw(wallet, 1) for _ in range(n)), return_exceptions=True)
    refused = sum(isinstance(r, ValueError) for r in results)
    assert not [r for r in results if isinstance(r, BaseException) and not isinstance(r, ValueError)]
    return n - refused, refused, time.perf_counter() - start


async def main() -> dict:
    wrong = WrongWallet(TASKS)
    ok_wrong, _, _ = await spend(wrong, TASKS, lambda w, a: w.withdraw(a))
    serial = LockAroundSlowWork(TASKS)
    ok_serial, _, serial_s = await spend(serial, TASKS, lambda w, a: w.withdraw(a))
    right = Wallet(TASKS)
    ok_right, _, right_s = await spend(right, TASKS, lambda w, a: w.withdraw(a, quote))
    over = Wallet(TASKS)
    ok_over, refused_over, _ = await spend(over, TASKS + 10, lambda w, a: w.withdraw(a, quote))
    return dict(wrong=wrong.balance, ok_wrong=ok_wrong, serial=serial.balance, serial_s=serial_s,
                right=right.balance, right_s=right_s, ok_right=ok_right, over=over.balance,
                ok_over=ok_over, refused_over=refused_over, ok_serial=ok_serial)


r = asyncio.run(main())
# 20 withdrawals of 1 from 20 all "succeed", yet the balance only drops by 1: 19 updates lost.
assert r["ok_wrong"] == TASKS and r["wrong"] == TASKS - 1, r
assert r["ok_right"] == TASKS and r["right"] == 0, r
assert r["ok_serial"] == TASKS and r["serial"] == 0, r
# Overdraft: 30 withdrawals from 20 -> exactly 20 succeed, 10 refused, never negative.
assert r["ok_over"] == TASKS and r["refused_over"] == 10 and r["over"] == 0, r
# The short lock keeps the slow calls concurrent; the lock around them serializes them.
assert r["serial_s"] >= TASKS * SLOW * 0.9, r
assert r["right_s"] < r["serial_s"] / 4, r

record(
    thread_increments_expected=EXPECTED,
    thread_increments_wrong=threads_wrong,
    thread_increments_locked=threads_right,
    sql_expected=THREADS * SQL_PER_THREAD,
    sql_select_then_update=sql_wrong,
    sql_single_update=sql_right,
    max_id_plus_one_duplicates=len(duplicate_errors),
    itertools_count_duplicates=len(ids) - len(set(ids)),
    asyncio_withdrawals=TASKS,
    asyncio_balance_wrong=r["wrong"],
    asyncio_balance_right=r["right"],
    lock_around_slow_work_ms=round(r["serial_s"] * 1000, 1),
    short_lock_ms=round(r["right_s"] * 1000, 1),
)
