import asyncio

# Instead of a mutex (1 at a time), use semaphore (N at a time)
# Allows controlled parallelism without full lock contention


class RateLimitedWorkerPool:
    """
    Limit concurrent workers without serializing all of them.
    Use when the bottleneck is a resource with limited capacity (DB connections, API rate).
    """

    def __init__(self, max_concurrent: int = 5):
        self._semaphore = asyncio.Semaphore(max_concurrent)
        self._active = 0
        self._completed = 0

    async def run(self, coro) -> any:
        """Run coroutine with semaphore-based concurrency limit"""
        async with self._semaphore:
            self._active += 1
            try:
                result = await coro
                self._completed += 1
                return result
            finally:
                self._active -= 1

    @property
    def stats(self) -> dict:
        return {"active": self._active, "completed": self._completed}


# Limit to 5 concurrent LLM calls (API rate limit friendly)
pool = RateLimitedWorkerPool(max_concurrent=5)


async def process_all_items(items: list[dict]) -> list[any]:
    """Process all items with max 5 concurrent — not 1, not unlimited"""
    tasks = [pool.run(process_item(item)) for item in items]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    print(f"Completed: {pool.stats}")
    return results

# 100 items with max_concurrent=5:
# - All 100 submitted at once
# - At most 5 run simultaneously
# - No single lock blocking all 95 others
