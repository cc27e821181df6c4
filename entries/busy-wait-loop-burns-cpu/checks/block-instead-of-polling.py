"""Busy loops burn about one core for as long as they wait and slow the thread doing the work;
the snippet's blocking waits use almost no CPU, still wake at once and end when told to."""

import asyncio
import queue
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
WAIT = 0.3  # how long each loop has to wait


def cpu_of(wait_fn):
    """(CPU seconds of the waiting thread, wall seconds) while it waits WAIT seconds."""
    wall0, cpu0 = time.monotonic(), time.thread_time()
    wait_fn()
    return time.thread_time() - cpu0, time.monotonic() - wall0


def busiest(measure, attempts=3, enough=0.2):
    """The largest CPU/wall of up to `attempts` runs of a spinning wait. A spin takes about one
    core when it has one to itself; a host busy with other checks can take the core away for a
    whole run, so up to `attempts` runs get a chance to show it."""
    best = (0.0, 1.0)
    for _ in range(attempts):
        cpu, wall = measure()
        if cpu / wall > best[0] / best[1]:
            best = (cpu, wall)
        if cpu >= enough * wall:
            break
    return best


def assert_spins(spin_cpu, spin_wall, block_cpu):
    """A spin burns about one core when it has one; all sandboxed checks share one CPU, so ask for
    a generous floor: 5% of the wall time, and 20 times the CPU of the blocking wait."""
    assert spin_cpu >= 0.05 * spin_wall and spin_cpu >= 20 * block_cpu, (spin_cpu, spin_wall, block_cpu)


def set_later(event, delay=WAIT):
    timer = threading.Timer(delay, event.set)
    timer.start()
    return timer


def spin_until(event, limit=5.0):
    """WRONG: while not done: pass (bounded, so the check cannot hang)."""
    deadline = time.monotonic() + limit
    while not event.is_set() and time.monotonic() < deadline:
        pass


# 1. Waiting for a flag: the spin burns CPU for the whole wait, the Event sleeps.
def spin_on_flag():
    done = threading.Event()
    set_later(done)
    cpu, wall = cpu_of(lambda: spin_until(done))
    assert done.is_set() and wall >= WAIT * 0.9
    return cpu, wall


spin_cpu, spin_wall = busiest(spin_on_flag)

done = threading.Event()
set_later(done)
block_cpu, block_wall = cpu_of(lambda: ns["wait_until"](done, timeout=5))
assert done.is_set() and block_wall >= WAIT * 0.9
assert block_cpu <= 0.05 * block_wall, (block_cpu, block_wall)
assert_spins(spin_cpu, spin_wall, block_cpu)

# It still wakes at once: the blocked waiter runs within a few ms of set().
woke = []
done = threading.Event()
waiter = threading.Thread(target=lambda: (ns["wait_until"](done, 5), woke.append(time.monotonic())))
waiter.start()
time.sleep(0.05)
set_at = time.monotonic()
done.set()
waiter.join(5)
wake_ms = (woke[0] - set_at) * 1000
assert wake_ms < 250, wake_ms  # a few ms; 250 leaves room for a throttled, shared CPU

# Flag.wait_for: waits for a condition on a value other threads change.
flag = ns["Flag"]("starting")
threading.Timer(0.1, flag.set, args=("ready",)).start()
flag_cpu, _ = cpu_of(lambda: flag.wait_for(lambda v: v == "ready", timeout=5))
assert flag.wait_for(lambda v: v == "ready", timeout=0) and flag_cpu < 0.05
assert ns["Flag"](0).wait_for(lambda v: v > 0, timeout=0.05) is False


# 2. The spinning thread takes the GIL from the thread doing the real work: of the CPU the process
#    gets, the worker has only about half beside a spin, nearly all beside a blocked wait. (A share
#    of the process's own CPU, so other load on the host does not change it. On an idle host the
#    worker's wall time doubles beside the spin: 0.2 s alone, 0.45-0.54 s measured by hand.)
def work(n=6_000_000):
    total = 0
    for i in range(n):
        total += i * i
    return total


def run_work(waiter):
    """(worker's share of the process CPU, its wall seconds) while the main thread waits for it."""
    finished = threading.Event()
    took = []

    def worker():
        t0, c0 = time.monotonic(), time.thread_time()
        work()
        took.append((time.thread_time() - c0, time.monotonic() - t0))
        finished.set()

    p0 = time.process_time()
    threading.Thread(target=worker).start()
    waiter(finished)
    finished.wait(10)
    process_cpu = time.process_time() - p0
    return took[0][0] / process_cpu, took[0][1]


blocked_runs = [run_work(lambda ev: ns["wait_until"](ev, 10)) for _ in range(2)]
spun_runs = [run_work(spin_until) for _ in range(2)]
share_blocked = max(r[0] for r in blocked_runs)
share_spun = max(r[0] for r in spun_runs)
assert share_blocked >= 0.9, blocked_runs  # the waiting thread used next to nothing
assert share_spun <= 0.75, spun_runs  # the spinning thread took about half of it

# 3. A queue consumer: `if q.empty(): continue` spins while the producer is quiet; q.get blocks.
ITEMS = 3


def produce(q, gap=WAIT / ITEMS):
    for i in range(ITEMS):
        time.sleep(gap)
        q.put(i)
    q.put(ns["STOP"])


def spinning_consumer(q, out, limit=5.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if q.empty():
            continue
        item = q.get_nowait()
        if item is ns["STOP"]:
            return
        out.append(item)


def spin_on_queue():
    q, got = queue.Queue(), []
    threading.Thread(target=produce, args=(q,)).start()
    cpu, wall = cpu_of(lambda: spinning_consumer(q, got))
    assert got == list(range(ITEMS)), got
    return cpu, wall


q_spin_cpu, q_spin_wall = busiest(spin_on_queue)
got_block = []
q = queue.Queue()
threading.Thread(target=produce, args=(q,)).start()
q_block_cpu, q_block_wall = cpu_of(lambda: ns["consume"](q, got_block.append))
assert got_block == list(range(ITEMS)), got_block
assert_spins(q_spin_cpu, q_spin_wall, q_block_cpu)
assert q_block_cpu <= 0.05 * q_block_wall, (q_block_cpu, q_block_wall)
# consume also ends on its stop event when nothing arrives.
stop = threading.Event()
threading.Timer(0.1, stop.set).start()
assert ns["consume"](queue.Queue(), print, stop=stop, idle_check=0.02) == 0

# 4. A timer loop that sleeps only when it works: paused, it spins; run_every waits in every branch.
def paused_timer_wrong(stop, limit=5.0):
    deadline = time.monotonic() + limit
    while not stop.is_set() and time.monotonic() < deadline:
        if True:  # paused
            continue
        time.sleep(0.05)


def spin_while_paused():
    stop = threading.Event()
    set_later(stop)
    return cpu_of(lambda: paused_timer_wrong(stop))


t_spin_cpu, t_spin_wall = busiest(spin_while_paused)
stop = threading.Event()
set_later(stop)
ticks = []
t_block_cpu, t_block_wall = cpu_of(
    lambda: ticks.append(ns["run_every"](0.02, lambda: None, stop, is_paused=lambda: True))
)
assert ticks == [0] and t_block_wall < WAIT + 0.2, (ticks, t_block_wall)  # ends when stopped
assert t_block_cpu <= 0.1 * t_block_wall, (t_block_cpu, t_block_wall)
assert_spins(t_spin_cpu, t_spin_wall, t_block_cpu)
stop = threading.Event()
threading.Timer(0.25, stop.set).start()
assert 2 <= ns["run_every"](0.02, lambda: None, stop) <= 13  # not paused: it ticks

# 5. keep_alive blocks without CPU until stopped (instead of `while True: pass`).
stop = threading.Event()
set_later(stop)
k_cpu, k_wall = cpu_of(lambda: ns["keep_alive"](stop))
assert k_wall >= WAIT * 0.9 and k_cpu <= 0.05 * k_wall, (k_cpu, k_wall)

# 6. asyncio: `while not ready: await asyncio.sleep(0)` spins the event loop; awaiting the Event sleeps.
async def spin_async(event, limit=5.0):
    deadline = time.monotonic() + limit
    while not event.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(0)


async def measure_async(waiter):
    event = asyncio.Event()
    asyncio.get_running_loop().call_later(WAIT, event.set)
    wall0, cpu0 = time.monotonic(), time.thread_time()
    result = await waiter(event)
    return time.thread_time() - cpu0, time.monotonic() - wall0, result


a_spin_cpu, a_spin_wall = busiest(lambda: asyncio.run(measure_async(spin_async))[:2])
a_block_cpu, a_block_wall, a_ok = asyncio.run(measure_async(lambda ev: ns["until_set"](ev, 5)))
assert a_ok is True and a_block_wall >= WAIT * 0.9
assert a_block_cpu <= 0.05 * a_block_wall, (a_block_cpu, a_block_wall)
assert_spins(a_spin_cpu, a_spin_wall, a_block_cpu)
assert asyncio.run(ns["until_set"](asyncio.Event(), 0.05)) is False

record(
    asyncio_sleep0_cpu_per_wall=round(a_spin_cpu / a_spin_wall, 2),
    asyncio_event_cpu_per_wall=round(a_block_cpu / a_block_wall, 3),
    spin_cpu_per_wall=round(spin_cpu / spin_wall, 2),
    event_cpu_per_wall=round(block_cpu / block_wall, 3),
    event_wake_ms=round(wake_ms, 1),
    worker_cpu_share_beside_wait=round(share_blocked, 2),
    worker_cpu_share_beside_spin=round(share_spun, 2),
    queue_spin_cpu_per_wall=round(q_spin_cpu / q_spin_wall, 2),
    queue_get_cpu_per_wall=round(q_block_cpu / q_block_wall, 3),
    paused_timer_spin_cpu_per_wall=round(t_spin_cpu / t_spin_wall, 2),
    paused_run_every_cpu_per_wall=round(t_block_cpu / t_block_wall, 3),
)
