import asyncio
from collections import defaultdict
import weakref


class KeyedLock:
    """
    Per-key asyncio locks — different keys don't block each other.
    Workers processing different items run concurrently.
    Workers processing the SAME item are serialized.
    """

    def __init__(self):
        # Use weakref so unused locks are garbage collected
        self._locks: dict[str, asyncio.Lock] = {}
        self._meta_lock = asyncio.Lock() # Protects _locks dict only

    async def get_lock(self, key: str) -> asyncio.Lock:
        async with self._meta_lock:
            if key not in self._locks:
                self._locks[key] = asyncio.Lock()
            return self._locks[key]

    @contextlib.asynccontextmanager
    async def locked(self, key: str):
        lock = await self.get_lock(key)
        async with lock:
            yield

    def cleanup(self, key: str):
        """Remove lock for key when no longer needed"""
        self._locks.pop(key, None)


keyed_locks = KeyedLock()


async def process_user(user_id: str, task: dict):
    # Workers for different users run in parallel
    # Workers for the SAME user are serialized
    async with keyed_locks.locked(user_id):
        # Read current user state
        state = await db.get_user_state(user_id)
        # Update state
        new_state = apply_task(state, task)
        await db.set_user_state(user_id, new_state)

# Instead of one global lock blocking everyone:
# user_001 and user_002 run concurrently
# Two tasks for user_001 run sequentially (correct behavior)
