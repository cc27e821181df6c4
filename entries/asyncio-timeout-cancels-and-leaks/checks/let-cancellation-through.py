"""Swallowed CancelledError: cancel() and wait_for fail; leaked semaphore slots. The fix: prompt, clean."""

import asyncio
import time

from errata_check import load_snippet, record

ns = load_snippet()
worker, call_with_limit, run_with_cleanup = ns["worker"], ns["call_with_limit"], ns["run_with_cleanup"]


async def swallowing_worker(jobs: asyncio.Queue, handle, log, max_jobs: int = 6) -> None:
    """The wrong pattern (bounded to max_jobs so this check cannot hang)."""
    for _ in range(max_jobs):
        job = await jobs.get()
        try:
            await handle(job)
        except:  # noqa: E722 - the defect under test
            log(f"job {job!r} failed")
        finally:
            jobs.task_done()


async def slow_job(job: int) -> None:
    await asyncio.sleep(0.05)
    if job == 2:
        raise ValueError("bad job")


async def cancel_and_time(make_worker) -> tuple[float, bool, list[str]]:
    jobs: asyncio.Queue = asyncio.Queue()
    for n in range(6):
        jobs.put_nowait(n)
    logs: list[str] = []
    task = asyncio.create_task(make_worker(jobs, slow_job, logs.append))
    await asyncio.sleep(0.01)
    start = time.monotonic()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    assert done, "worker never stopped"
    return time.monotonic() - start, task.cancelled(), logs


async def swallowing_call() -> str:
    for _ in range(5):
        try:
            await asyncio.sleep(0.1)
        except BaseException:  # noqa: BLE001 - the defect under test
            pass
    return "finished anyway"


async def main() -> dict:
    figures = {}
    # cancel(): the swallowing worker goes on with the queue; the fixed one stops at once.
    wrong_s, wrong_cancelled, wrong_logs = await cancel_and_time(swallowing_worker)
    right_s, right_cancelled, right_logs = await cancel_and_time(worker)
    assert not wrong_cancelled and wrong_s > 0.2, (wrong_s, wrong_logs)
    assert right_cancelled and right_s < 0.05, right_s
    assert right_logs == [], right_logs  # cancellation is not logged as a job failure
    figures.update(swallowing_stop_after_cancel_s=round(wrong_s, 3), fixed_stop_after_cancel_s=round(right_s, 3))

    # An error in a job is logged and the fixed worker keeps going.
    jobs: asyncio.Queue = asyncio.Queue()
    for n in range(4):
        jobs.put_nowait(n)
    logs: list[str] = []
    task = asyncio.create_task(worker(jobs, slow_job, logs.append))
    await asyncio.wait_for(jobs.join(), 2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert len(logs) == 1 and "bad job" in logs[0], logs

    # wait_for(timeout=0.1) around a coroutine that swallows cancellation returns after ~0.5 s.
    start = time.monotonic()
    result = await asyncio.wait_for(swallowing_call(), timeout=0.1)
    late_s = time.monotonic() - start
    assert result == "finished anyway" and late_s > 0.4, late_s
    figures["swallowing_wait_for_0_1s_took_s"] = round(late_s, 3)

    # Timeouts leak semaphore slots with manual acquire/release; the fix releases every one.
    async def upstream() -> str:
        await asyncio.sleep(1)
        return "slow"

    sem = asyncio.Semaphore(2)

    async def manual() -> str:
        await sem.acquire()
        result = await upstream()
        sem.release()
        return result

    for _ in range(3):
        try:
            await asyncio.wait_for(manual(), 0.02)
        except TimeoutError:
            pass
    leaked = 2 - sem._value
    assert leaked == 2 and sem.locked(), leaked

    sem = asyncio.Semaphore(2)
    timeouts = 0
    for _ in range(5):
        try:
            await call_with_limit(sem, upstream, timeout=0.02)
        except TimeoutError:
            timeouts += 1
    assert timeouts == 5 and not sem.locked() and sem._value == 2
    assert await call_with_limit(sem, lambda: asyncio.sleep(0, "fast"), timeout=1) == "fast"
    figures.update(manual_slots_leaked=leaked, fixed_slots_leaked=0, fixed_timeouts=timeouts)

    # Awaited cleanup runs even when the work is cancelled, and the cancellation propagates.
    cleaned = []

    async def cleanup() -> None:
        await asyncio.sleep(0.01)
        cleaned.append(1)

    task = asyncio.create_task(run_with_cleanup(upstream, cleanup))
    await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.wait({task}, timeout=2)
    assert task.cancelled() and cleaned == [1]
    return figures


record(**asyncio.run(main()))
