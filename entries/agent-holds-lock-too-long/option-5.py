import asyncio


class ReadWriteLock:
    """
    Multiple concurrent readers OR one exclusive writer.
    Most agent state access is reads — allow them to run in parallel.
    Writers are rare (state updates) — serialize only those.
    """

    def __init__(self):
        self._readers = 0
        self._read_ready = asyncio.Condition()
        self._write_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def read(self):
        """Acquire read lock — concurrent with other readers"""
        async with self._read_ready:
            self._readers += 1
        try:
            yield
        finally:
            async with self._read_ready:
                self._readers -= 1
                if self._readers == 0:
                    self._read_ready.notify_all()

    @contextlib.asynccontextmanager
    async def write(self):
        """Acquire write lock — exclusive, waits for all readers"""
        async with self._write_lock:
            # Wait for all readers to finish
            async with self._read_ready:
                await self._read_ready.wait_for(lambda: self._readers == 0)
            yield


rw_lock = ReadWriteLock()


async def read_agent_config() -> dict:
    """Concurrent reads — multiple agents read config simultaneously"""
    async with rw_lock.read():
        return dict(agent_config) # Read shared state


async def update_agent_config(updates: dict):
    """Exclusive write — waits for all readers, then updates"""
    async with rw_lock.write():
        agent_config.update(updates)
