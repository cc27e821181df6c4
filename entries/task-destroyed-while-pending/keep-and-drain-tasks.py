"""Keep a strong reference to every background task, and cancel + await them before the loop ends."""

import asyncio

# WRONG:
#     asyncio.create_task(watch(topic))   # the loop holds tasks only weakly: the GC may destroy it
#     loop.run_until_complete(main()); loop.close()   # tasks still pending are destroyed
#     -> Task was destroyed but it is pending!


class BackgroundTasks:
    """A strong-reference set of tasks with an orderly shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, coro, *, name: str | None = None) -> asyncio.Task:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)  # strong reference while it runs
        task.add_done_callback(self._tasks.discard)  # dropped when done
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    async def aclose(self, timeout: float = 5.0) -> None:
        """Cancel what is still running and wait for it, so finally-blocks run on a live loop."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)


async def main_with_background_work(topics: list[str]) -> None:
    """On Python 3.11+ a TaskGroup gives the same guarantees for tasks scoped to one block."""
    background = BackgroundTasks()
    try:
        for topic in topics:
            background.spawn(watch(topic), name=f"watch-{topic}")
        await run_application()
    finally:
        await background.aclose()
