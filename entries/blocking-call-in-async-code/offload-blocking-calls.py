"""Keep the event loop free: blocking calls go to a thread, waits use asyncio.sleep."""

import asyncio

# WRONG: inside async def, these block the whole event loop (every other coroutine stalls):
#     row = legacy_lookup(request_id)    # sync DB driver / requests.get / file I/O
#     time.sleep(0.5)                     # a sync sleep
#     digest = heavy_cpu_work(blob)       # seconds of pure Python CPU (see the GIL entry)


async def handle(request_id: int) -> dict:
    """RIGHT: run the blocking call in a worker thread; the loop keeps serving others."""
    row = await asyncio.to_thread(legacy_lookup, request_id)  # Python 3.9+
    await asyncio.sleep(0)  # async sleep, never time.sleep, inside async code
    return row


async def serve(request_ids: list[int]) -> list[dict]:
    return await asyncio.gather(*(handle(i) for i in request_ids))
