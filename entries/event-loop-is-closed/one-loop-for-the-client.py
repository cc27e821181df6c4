"""Keep an async client on one event loop for its whole life: no 'Event loop is closed'."""

import asyncio

# WRONG: one client object driven by several asyncio.run() calls.
#     client = AsyncClient()
#     asyncio.run(client.get("/a"))  # opens a connection on loop 1; asyncio.run closes loop 1
#     asyncio.run(client.get("/b"))  # reuses it on loop 2 -> "attached to a different loop"
#     asyncio.run(client.aclose())   # closes a transport of loop 1 -> "Event loop is closed"


async def fetch_all(paths: list[str]) -> list[str]:
    """RIGHT for an async program: one asyncio.run(main), the client opened and closed inside."""
    async with AsyncClient() as client:
        return [await client.get(path) for path in paths]


class SyncClient:
    """RIGHT for sync code that calls async code many times: one loop kept open by a Runner."""

    def __init__(self) -> None:
        self._runner = asyncio.Runner()  # Python 3.11+; one loop reused by every call
        self._client = None

    def get(self, path: str) -> str:
        return self._runner.run(self._get(path))

    async def _get(self, path: str) -> str:
        if self._client is None:
            self._client = AsyncClient()  # created on the loop that keeps using it
        return await self._client.get(path)

    def close(self) -> None:
        if self._client is not None:
            self._runner.run(self._client.aclose())  # closed on its own loop, before it ends
        self._runner.close()

    def __enter__(self) -> "SyncClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
