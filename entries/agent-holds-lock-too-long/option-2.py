import asyncio
import contextlib

# WRONG — lock not released if exception occurs
lock = asyncio.Lock()


async def unsafe_update(data: dict):
    await lock.acquire()
    result = await risky_operation(data) # May raise!
    shared_state.update(result)
    lock.release() # Never reached if risky_operation raises


# RIGHT — context manager guarantees release
async def safe_update(data: dict):
    async with lock: # Released even if exception occurs
        result = await risky_operation(data)
        shared_state.update(result)


# RIGHT — explicit try/finally if you can't use async with
async def explicit_release(data: dict):
    await lock.acquire()
    try:
        result = await risky_operation(data)
        shared_state.update(result)
    finally:
        lock.release() # Always released


# RIGHT — lock with timeout to prevent deadlock
async def update_with_timeout(data: dict, timeout: float = 5.0):
    try:
        acquired = await asyncio.wait_for(lock.acquire(), timeout=timeout)
    except asyncio.TimeoutError:
        raise RuntimeError(
            f"Could not acquire lock within {timeout}s — possible deadlock"
        )
    try:
        result = await risky_operation(data)
        shared_state.update(result)
    finally:
        lock.release()
