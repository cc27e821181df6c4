"""Timeouts and cancel() only work if cancellation gets through, and resources are released on the way out."""

import asyncio

# WRONG 1: a handler that swallows cancellation.
#     while True:
#         try:
#             await handle(await jobs.get())
#         except:                              # or `except BaseException:` / `except asyncio.CancelledError: log`
#             log.exception("job failed")      # CancelledError is caught here and the loop goes on
# task.cancel() and asyncio.timeout()/wait_for() work by raising CancelledError inside the task;
# swallowed, the task keeps running: wait_for returns late (or never), shutdown hangs.
# (In Python 3.7 and older, CancelledError was an Exception, so `except Exception` swallowed it too.)
#
# WRONG 2: acquire ... release without try/finally around an await.
#     await semaphore.acquire()
#     result = await call_upstream()           # cancelled by a timeout here...
#     semaphore.release()                      # ...so this never runs: the slot leaks


async def worker(jobs: asyncio.Queue, handle, log) -> None:
    """Survive errors in a job, but stop when cancelled."""
    while True:
        job = await jobs.get()
        try:
            await handle(job)
        except asyncio.CancelledError:
            raise  # explicit, in case a broader handler is added below
        except Exception as exc:  # Exception does not include CancelledError (3.8+)
            log(f"job {job!r} failed: {exc!r}")
        finally:
            jobs.task_done()


async def call_with_limit(semaphore: asyncio.Semaphore, call, timeout: float):
    """Bounded time, and the slot is released on success, error, timeout or cancellation."""
    async with asyncio.timeout(timeout):  # Python 3.11+; asyncio.wait_for(...) before
        async with semaphore:
            return await call()


async def run_with_cleanup(work, cleanup):
    """When cleanup itself must await: do it in finally, shielded so a second cancel cannot cut it,
    and let the CancelledError continue afterwards."""
    try:
        return await work()
    finally:
        await asyncio.shield(cleanup())
