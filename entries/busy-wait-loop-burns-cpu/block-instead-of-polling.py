"""Wait by blocking on the thing awaited (Event, Condition, queue.get), not by spinning."""

import asyncio
import queue
import threading

# WRONG: a loop that checks and checks again without ever blocking keeps one core at 100% while
# the program has nothing to do, and in CPython it holds the GIL half the time, so the threads
# doing the real work run slower:
#   while not done: pass                                   # or: while not self.ready: continue
#   while True:
#       if q.empty(): continue                             # or: try q.get_nowait() / except Empty: pass
#       handle(q.get())
#   while running:
#       if paused: continue                                # only the other branch sleeps
#       tick(); time.sleep(1)
#   mcp.run() / server.start(); while True: pass           # "keep the process alive"
# time.sleep(0.01) in the loop lowers the CPU but still wakes 100 times a second and adds up to
# 10 ms of delay; blocking costs nothing while idle and wakes at once.

STOP = object()  # put on a queue to tell its consumer to finish


def wait_until(event, timeout=None):
    """Instead of `while not done: pass`: sleep in the kernel until event.set() (or the timeout)."""
    return event.wait(timeout)


class Flag:
    """A condition other threads change; waiters sleep until it holds (threading.Condition)."""

    def __init__(self, value=None):
        self._cond = threading.Condition()
        self._value = value

    def set(self, value):
        with self._cond:
            self._value = value
            self._cond.notify_all()

    def wait_for(self, predicate, timeout=None):
        """Block until predicate(value) is true; returns it, or False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self._value), timeout)


def consume(q, handle, stop=None, idle_check=0.5):
    """Instead of `if q.empty(): continue`: block in q.get until an item (or STOP) arrives.

    The timeout only lets the loop notice `stop` (a threading.Event) now and then; it is not a poll.
    """
    handled = 0
    while stop is None or not stop.is_set():
        try:
            item = q.get(timeout=idle_check)
        except queue.Empty:
            continue  # idle: blocked for idle_check seconds, no CPU used
        if item is STOP:
            break
        handle(item)
        handled += 1
    return handled


def run_every(interval, tick, stop, is_paused=lambda: False):
    """A timer loop that sleeps in every branch: stop.wait both paces it and ends it promptly."""
    ticks = 0
    while not stop.wait(interval):  # returns True as soon as stop is set
        if is_paused():
            continue  # still waited `interval` above: a paused timer costs nothing
        tick()
        ticks += 1
    return ticks


def keep_alive(stop):
    """Instead of `while True: pass` after starting background threads: block until told to stop."""
    stop.wait()


async def until_set(event, timeout=None):
    """Instead of `while not ready: await asyncio.sleep(0)`: await the asyncio.Event itself.

    sleep(0) only yields to other tasks; with nothing else to run the loop spins at 100%.
    Returns False on timeout. (asyncio.Queue.get() and awaiting a Future block the same way.)
    """
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except asyncio.TimeoutError:
        return False
    return True


# select/selectors: select.select(socks, [], [], timeout) blocks; timeout=0 in a loop spins.
# Processes: proc.wait() / Thread.join() instead of `while proc.poll() is None: pass`.
