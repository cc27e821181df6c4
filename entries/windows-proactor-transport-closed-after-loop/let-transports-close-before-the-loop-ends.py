"""Let sockets and pipes finish closing while the loop still runs (Windows ProactorEventLoop)."""

import asyncio
import sys

# WRONG on Windows (Python 3.8+, ProactorEventLoop is the default): the session IS closed, but
# its TLS connections finish closing a moment later, after asyncio.run() has closed the loop:
#     async def main():
#         async with aiohttp.ClientSession() as session:   # or httpx.AsyncClient()
#             await session.get("https://example.com/")
#     asyncio.run(main())
# -> Exception ignored in: <function _ProactorBasePipeTransport.__del__ at 0x...>
#    ...
#    RuntimeError: Event loop is closed

# aiohttp's docs ("Graceful Shutdown"): a zero-sleep is enough without TLS; with TLS wait ~250 ms.
GRACE_SECONDS = 0.25


async def close_and_settle(*clients: object, grace: float = GRACE_SECONDS) -> None:
    """Close each client, then keep the loop running for `grace` seconds so the transports'
    closing callbacks (TLS shutdown, connection_lost, pipe close) run before the loop ends."""
    for client in clients:
        closer = getattr(client, "aclose", None) or client.close
        result = closer()
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            await result
        wait_closed = getattr(client, "wait_closed", None)  # asyncio.StreamWriter, asyncssh
        if wait_closed is not None:
            await wait_closed()
    await asyncio.sleep(grace)


def run_and_settle(main, grace: float = GRACE_SECONDS):
    """asyncio.run(main), with a grace period inside the same loop after main returns or fails."""

    async def settled():
        try:
            return await main
        finally:
            await asyncio.sleep(grace)

    return asyncio.run(settled())


def run_on_selector_loop_on_windows(main):
    """The other way out, for programs that start no subprocesses (the selector loop cannot run
    them on Windows): its transports close a forgotten socket in __del__ without the loop, so
    exit is quiet (a ResourceWarning, hidden by default). Unchanged on other systems."""
    if sys.platform == "win32":
        if sys.version_info >= (3, 12):
            return asyncio.run(main, loop_factory=asyncio.SelectorEventLoop)
        asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())
    return asyncio.run(main)
