import asyncio
from dataclasses import dataclass
from typing import Any


@dataclass
class WorkItem:
    item_id: str
    payload: dict
    result_future: asyncio.Future


class SerializedWorker:
    """
    Process work items sequentially without explicit locking.
    Single worker processes a queue — no lock contention possible.
    Multiple queues for different resource partitions.
    """

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self._queue: asyncio.Queue[WorkItem] = asyncio.Queue()
        self._running = False

    async def submit(self, item_id: str, payload: dict) -> Any:
        """Submit work and await result — caller is non-blocking"""
        loop = asyncio.get_event_loop()
        future = loop.create_future()
        await self._queue.put(WorkItem(item_id, payload, future))
        return await future # Waits for result

    async def run(self):
        """Process queue — runs in background"""
        self._running = True
        while self._running:
            try:
                item = await asyncio.wait_for(self._queue.get(), timeout=1.0)
                try:
                    result = await self._process(item)
                    item.result_future.set_result(result)
                except Exception as e:
                    item.result_future.set_exception(e)
                finally:
                    self._queue.task_done()
            except asyncio.TimeoutError:
                continue # No work — loop and check _running

    async def _process(self, item: WorkItem) -> Any:
        """Process a single work item — no lock needed"""
        data = await fetch_data(item.item_id)
        result = await call_llm(data)
        await update_shared_state(item.item_id, result)
        return result


# One worker per shared resource partition:
db_writer = SerializedWorker("db_writer")
asyncio.create_task(db_writer.run())

# Multiple agents can submit concurrently — worker serializes execution
results = await asyncio.gather(
    db_writer.submit("item_1", data_1),
    db_writer.submit("item_2", data_2),
    db_writer.submit("item_3", data_3),
)
