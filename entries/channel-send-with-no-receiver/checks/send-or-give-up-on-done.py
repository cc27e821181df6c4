"""A producer blocked on a send its consumer left behind, and a close ordered after the error
read, both hang; consume() returns and its producer exits.

Unbuffered models Go's `make(chan T)`: send() returns only once a receiver has taken the
value. Threads stand in for goroutines; a thread still alive after its join deadline is a
goroutine stuck in `chan send` (or `chan receive`).
"""

import queue
import threading

from errata_check import load_snippet, record

END = object()


class Unbuffered:
    """Go's unbuffered channel: a send completes only when a receiver takes the value."""

    def __init__(self) -> None:
        self._slot: queue.Queue = queue.Queue(maxsize=1)
        self._senders = threading.Lock()

    def send(self, value) -> None:
        with self._senders:
            self._slot.put(value)
            self._slot.join()

    def recv(self):
        value = self._slot.get()
        self._slot.task_done()
        return value


def rows(n: int, fail_at: int | None = None):
    """The reader's source: n rows, or an error at row fail_at."""

    def produce():
        for i in range(n):
            if i == fail_at:
                raise OSError(f"source failed at row {i}")
            yield i

    return produce


def handle(row: int) -> int:
    if row == 3:
        raise ValueError("client disconnected")
    return row * 10


def new_threads(run) -> tuple[list[threading.Thread], BaseException | None]:
    before = set(threading.enumerate())
    try:
        run()
        error = None
    except Exception as exc:
        error = exc
    return [t for t in threading.enumerate() if t not in before], error


def alive_after(threads: list[threading.Thread], wait: float) -> int:
    for thread in threads:
        thread.join(wait)
    return sum(thread.is_alive() for thread in threads)


# 1. The consumer returns early on an error; the producer's next send has no receiver.
def wrong_early_return() -> None:
    results = Unbuffered()

    def producer() -> None:
        for row in rows(10)():
            results.send(row)
        results.send(END)

    threading.Thread(target=producer, daemon=True).start()
    while (row := results.recv()) is not END:
        handle(row)  # raises at row 3: the consumer is gone


threads, error = new_threads(wrong_early_return)
assert isinstance(error, ValueError)
assert alive_after(threads, 0.1) == 1, "expected the producer blocked in send"


# 2. Close ordered after a receive that waits on it: the producer sends its error on an
#    unbuffered channel before closing results; the consumer reads errors only after results closed.
def wrong_close_order(done: threading.Event) -> None:
    results, errors = Unbuffered(), Unbuffered()

    def producer() -> None:
        try:
            for row in rows(10, fail_at=2)():
                results.send(row)
        except OSError as exc:
            errors.send(exc)  # blocks: nobody reads errors yet
        results.send(END)  # never reached

    def consumer() -> None:
        while results.recv() is not END:  # blocks: END is never sent
            pass
        errors.recv()
        done.set()

    for target in (producer, consumer):
        threading.Thread(target=target, daemon=True).start()


finished = threading.Event()
threads, _ = new_threads(lambda: wrong_close_order(finished))
assert not finished.wait(0.2) and alive_after(threads, 0.02) == 2, "expected both to wait forever"

ns = load_snippet({})
consume = ns["consume"]

assert consume(rows(3), handle) == [0, 10, 20]

threads, error = new_threads(lambda: consume(rows(10), handle))
assert isinstance(error, ValueError), error
fixed_early = alive_after(threads, 2)
assert fixed_early == 0, "the producer must give up once the consumer left"

threads, error = new_threads(lambda: consume(rows(10, fail_at=2), lambda row: row))
assert isinstance(error, OSError) and "row 2" in str(error), error
fixed_order = alive_after(threads, 2)
assert fixed_order == 0
record(
    wrong_producer_blocked_in_send=True,
    wrong_close_order_deadlocked=True,
    fixed_threads_left=fixed_early + fixed_order,
)
