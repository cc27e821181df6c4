"""Graceful shutdown for workers: on SIGTERM stop taking work, finish (or hand back) what is in
flight within the grace period, acknowledge a job only after its result is safely written."""

import asyncio
import os
import signal
import tempfile
import threading
import time

# WRONG: default SIGTERM handling (the process dies at once, exit code 143), jobs acknowledged on
# receipt (Celery's default early ack, SQS message deleted before processing), and output written in
# place -- a deploy or scale-down loses the job in flight and leaves a half-written file. Also
# WRONG: `CMD python worker.py` (shell form) in a Dockerfile: /bin/sh is PID 1 and does not pass
# SIGTERM on, so the worker is SIGKILLed after the grace period (exit code 137).


class Shutdown:
    """RIGHT: turn SIGTERM/SIGINT into a flag the worker loop checks; record the deadline."""

    def __init__(self, grace_s: float = 25.0, signals=(signal.SIGTERM, signal.SIGINT)) -> None:
        self.grace_s = grace_s
        self.deadline: float | None = None
        self.requested = threading.Event()
        for sig in signals:
            signal.signal(sig, self._handle)  # main thread only; keep the handler tiny

    def _handle(self, signum, frame) -> None:
        if not self.requested.is_set():
            self.deadline = time.monotonic() + self.grace_s
            self.requested.set()

    def remaining(self) -> float:
        return float("inf") if self.deadline is None else max(0.0, self.deadline - time.monotonic())


def write_atomically(path: str, text: str) -> None:
    """RIGHT: a reader (or restarted worker) sees the old file or the whole new one, never half."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def run_worker(take, process, ack, release, *, shutdown: Shutdown, idle_s: float = 0.05) -> int:
    """RIGHT (one job at a time): take -> process -> ack; on SIGTERM finish the current job, stop.

    `take()` reserves a job without acknowledging it (returns None when there is none); `ack(job)`
    runs only after `process(job)` returned; a failed job is released back to the queue. Jobs must
    be shorter than the grace period (or checkpoint): if the orchestrator SIGKILLs the worker
    anyway, the unacknowledged job is redelivered, not lost. Returns the number of jobs done.
    """
    done = 0
    while not shutdown.requested.is_set():
        job = take()
        if job is None:
            shutdown.requested.wait(idle_s)
            continue
        try:
            process(job)
        except Exception:
            release(job)
            raise
        ack(job)
        done += 1
    return done


async def run_async_workers(
    take, process, ack, release, *, concurrency=4, grace_s=25.0, poll_s=0.05
) -> dict:
    """RIGHT (asyncio): SIGTERM stops intake; in-flight jobs get `grace_s` to finish, then are
    cancelled and released back to the queue (not lost, not half-acknowledged)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)  # instead of dying with CancelledError tracebacks
    inflight: set[asyncio.Task] = set()
    stats = {"done": 0, "released": 0, "failed": 0}

    async def handle(job) -> None:
        try:
            await process(job)
        except BaseException:  # cancelled at the deadline, or failed: hand the job back
            release(job)
            stats["released"] += 1
            raise
        ack(job)
        stats["done"] += 1

    def reap(tasks) -> None:
        for task in tasks:
            inflight.discard(task)
            if not task.cancelled() and task.exception() is not None:
                stats["failed"] += 1  # log task.exception() here

    stopper = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            while len(inflight) < concurrency and not stop.is_set() and (job := take()) is not None:
                inflight.add(asyncio.create_task(handle(job)))
            finished, _ = await asyncio.wait(
                {*inflight, stopper}, timeout=poll_s, return_when=asyncio.FIRST_COMPLETED
            )
            reap(finished - {stopper})
        if inflight:  # draining: no new work, bounded wait for the rest
            finished, late = await asyncio.wait(inflight, timeout=grace_s)
            reap(finished)
            for task in late:
                task.cancel()
            reap((await asyncio.wait(late))[0] if late else ())
    finally:
        stopper.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return stats
