"""A worker sending its one result on a rendezvous channel outlives a caller that timed out; capacity 1 does not.

Unbuffered models Go's `make(chan T)`: send() returns only once a receiver has taken the
value (put, then join until the receiver's task_done). Live threads stand in for
runtime.NumGoroutine(). No sleeps: each worker waits on a gate the check opens after the
caller has given up, so the result always arrives too late.
"""

import queue
import threading

from errata_check import load_snippet, record

CALLS = 20


class Unbuffered:
    """Go's unbuffered channel: a send completes only when a receiver takes the value."""

    def __init__(self) -> None:
        self._slot: queue.Queue = queue.Queue(maxsize=1)
        self._senders = threading.Lock()  # one value in the slot at a time (Go's sendq)

    def send(self, value) -> None:
        with self._senders:
            self._slot.put(value)
            self._slot.join()  # wait for the receiver: the rendezvous

    def recv(self, timeout: float):
        value = self._slot.get(timeout=timeout)
        self._slot.task_done()
        return value


def slow_fetch(gate: threading.Event, sending: threading.Event):
    """The reader's slow call: it answers only after the caller stopped waiting."""

    def fetch() -> str:
        assert gate.wait(5), "gate never opened"
        sending.set()
        return "late"

    return fetch


def wrong_call(fn, timeout: float):
    ch = Unbuffered()
    threading.Thread(target=lambda: ch.send(fn()), daemon=True).start()
    try:
        return ch.recv(timeout)
    except queue.Empty:
        raise TimeoutError from None


def timed_out_calls(call) -> list[threading.Thread]:
    """CALLS calls that all time out; returns the worker threads they started."""
    before = set(threading.enumerate())
    gate, sent = threading.Event(), []
    for _ in range(CALLS):
        sending = threading.Event()
        sent.append(sending)
        try:
            call(slow_fetch(gate, sending), 0.01)
            raise AssertionError("expected a timeout")
        except TimeoutError:
            pass
    workers = [t for t in threading.enumerate() if t not in before]
    gate.set()  # the results arrive now, after every caller returned
    assert all(s.wait(5) for s in sent)
    return workers


def still_alive(workers: list[threading.Thread], wait: float) -> int:
    for worker in workers:
        worker.join(wait)
    return sum(worker.is_alive() for worker in workers)


leaked = timed_out_calls(wrong_call)
wrong_alive = still_alive(leaked, 0.02)
assert wrong_alive == CALLS, f"expected every worker blocked in send, {wrong_alive} are"

ns = load_snippet({})
fixed_alive = still_alive(timed_out_calls(ns["call_with_timeout"]), 2)
assert fixed_alive == 0, f"{fixed_alive} workers still blocked"

assert ns["call_with_timeout"](lambda: 42, 2) == 42
try:
    ns["call_with_timeout"](lambda: int("x"), 2)
    raise AssertionError("expected the worker's ValueError")
except ValueError:
    pass
record(calls=CALLS, wrong_workers_blocked_in_send=wrong_alive, fixed_workers_blocked=fixed_alive)
