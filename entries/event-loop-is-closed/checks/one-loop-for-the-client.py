"""Reproduce 'Event loop is closed' with a client shared across asyncio.run() calls; the fix avoids it."""

import asyncio
import socket
import threading

from errata_check import load_snippet, record

opened = []


def _serve(sock: socket.socket) -> None:
    with sock, sock.makefile("rwb") as stream:
        for line in stream:
            stream.write(b"200 " + line)
            stream.flush()


class AsyncClient:
    """Stands in for httpx.AsyncClient / aiohttp.ClientSession: pools one connection per client."""

    def __init__(self) -> None:
        self._conn = None

    async def get(self, path: str) -> str:
        if self._conn is None:
            ours, theirs = socket.socketpair()
            threading.Thread(target=_serve, args=(theirs,), daemon=True).start()
            self._conn = await asyncio.open_connection(sock=ours)
            opened.append(1)
        reader, writer = self._conn
        writer.write(path.encode() + b"\n")
        await writer.drain()
        return (await asyncio.wait_for(reader.readline(), 2)).decode().strip()

    async def aclose(self) -> None:
        if self._conn is not None:
            writer = self._conn[1]
            self._conn = None
            writer.close()
            await writer.wait_closed()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


# The wrong pattern: one client, several asyncio.run() calls.
shared = AsyncClient()
assert asyncio.run(shared.get("/a")) == "200 /a"
errors = []
for step in (lambda: asyncio.run(shared.get("/b")), lambda: asyncio.run(shared.aclose())):
    try:
        step()
    except RuntimeError as exc:
        errors.append(str(exc))
assert any("attached to a different loop" in e for e in errors), errors
assert any(e == "Event loop is closed" for e in errors), errors

# The fix, sync facade: three calls, one loop, one connection, a clean close.
ns = load_snippet({"AsyncClient": AsyncClient})
opened.clear()
with ns["SyncClient"]() as client:
    answers = [client.get(p) for p in ("/x", "/y", "/z")]
assert answers == ["200 /x", "200 /y", "200 /z"], answers
assert len(opened) == 1, opened

# The fix, async program: one asyncio.run around the client's whole life.
assert asyncio.run(ns["fetch_all"](["/p", "/q"])) == ["200 /p", "200 /q"]

record(wrong_pattern_errors=len(errors), fixed_calls=3, fixed_connections_opened=1)
