"""A client made per call and never closed leaves its connection to the garbage collector:
one ResourceWarning ('unclosed <socket.socket ...>', aiohttp's 'Unclosed client session') and
one new connection per call, and open descriptors growing while the clients are referenced.
One client per application (or a with block per use), closed at shutdown, makes one connection
and leaves nothing to collect, even when the body raises."""

import asyncio
import gc
import os
import socket
import socketserver
import tempfile
import threading
import time
import warnings

from errata_check import load_snippet, record

SOCK = os.path.join(tempfile.mkdtemp(), "api.sock")  # the API's address (no TCP in the sandbox)


class Handler(socketserver.StreamRequestHandler):
    """A keep-alive server: answers every line on a connection until the client closes it."""

    connections = 0

    def handle(self) -> None:
        type(self).connections += 1
        for line in self.rfile:
            self.wfile.write(b"ok " + line)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


server = Server(SOCK, Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()


class Session:
    """Stand-in for requests.Session / httpx.Client: one pooled keep-alive connection, opened
    on first use and kept open between requests until close()."""

    def __init__(self, path: str = SOCK) -> None:
        self.path = path
        self._sock: socket.socket | None = None

    def get(self, what: str) -> str:
        if self._sock is None:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.connect(self.path)
        self._sock.sendall(what.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = self._sock.recv(4096)
            assert chunk, "the server closed the connection"
            reply += chunk
        return reply.decode().strip()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncSession:
    """Stand-in for aiohttp.ClientSession: an asyncio stream kept open; collected unclosed, it
    warns as aiohttp's ClientSession.__del__ does."""

    def __init__(self, path: str = SOCK) -> None:
        self.path = path
        self.closed = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, what: str) -> str:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_unix_connection(self.path)
        self._writer.write(what.encode() + b"\n")
        await self._writer.drain()
        return (await self._reader.readline()).decode().strip()

    async def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
            self._writer = None
        self.closed = True

    close = _close  # aiohttp: await session.close()

    def __del__(self) -> None:
        if not self.closed:
            warnings.warn(f"Unclosed client session {self!r}", ResourceWarning, source=self)


class AsyncClient(AsyncSession):
    """Stand-in for httpx.AsyncClient / redis.asyncio.Redis: closed with aclose()."""

    close = None  # type: ignore[assignment]
    aclose = AsyncSession._close


def resource_warnings(action) -> list[str]:
    """Run action, collect garbage, return the ResourceWarnings it left."""
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
        for _ in range(2):  # a warning keeps its source alive: free it, then what it held
            gc.collect()
            found += [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
            caught.clear()
    return found


def open_fds() -> int:
    """The process's open file descriptors, counted by asking which numbers are in use."""
    count = 0
    for fd in range(4096):
        try:
            os.fstat(fd)
        except OSError:
            continue
        count += 1
    return count


def new_connections(action) -> tuple[list[str], int]:
    before = Handler.connections
    leaked = resource_warnings(action)
    return leaked, Handler.connections - before


ns = load_snippet()
base_fds = open_fds()

# WRONG 1: a requests/httpx-style client per call, never closed: every call opens a connection
# and leaves its socket to the garbage collector.
def wrong_fetch(i: int) -> str:
    return Session().get(f"item {i}")


wrong_sync, wrong_sync_connections = new_connections(lambda: [wrong_fetch(i) for i in range(20)])
assert len(wrong_sync) == 20, wrong_sync
assert all(m.startswith("unclosed <socket.socket fd=") for m in wrong_sync), wrong_sync
assert wrong_sync_connections == 20, wrong_sync_connections

# WRONG 2: while the unclosed clients are referenced (a cache, an object per request), every
# one holds its connection open (both ends count here: the server runs in this process) until
# the process reaches its descriptor limit (then EMFILE: too-many-open-files).
kept = [Session() for _ in range(20)]
for session in kept:
    session.get("hello")
kept_fds = open_fds() - base_fds
assert kept_fds >= 40, kept_fds
for session in kept:
    session.close()
del kept, session


# WRONG 3: an aiohttp-style session per call in async code, never closed.
async def wrong_async_main() -> None:
    for i in range(10):
        session = AsyncSession()
        await session.get(f"item {i}")


wrong_async, wrong_async_connections = new_connections(lambda: asyncio.run(wrong_async_main()))
sessions = [m for m in wrong_async if m.startswith("Unclosed client session <")]
transports = [m for m in wrong_async if m.startswith("unclosed transport <_SelectorSocket")]
assert len(sessions) == 10 and len(transports) == 10, wrong_async
assert wrong_async_connections == 10, wrong_async_connections

# FIXED 1: one synchronous client for the application, closed at shutdown.
sync_client_lifespan = ns["sync_client_lifespan"]


def fixed_sync() -> None:
    with sync_client_lifespan(Session) as session:
        replies = [session.get(f"item {i}") for i in range(20)]
    assert replies[-1] == "ok item 19", replies


fixed_sync_left, fixed_sync_connections = new_connections(fixed_sync)
assert fixed_sync_left == [] and fixed_sync_connections == 1, fixed_sync_left


def fixed_sync_raising() -> None:
    try:
        with sync_client_lifespan(Session) as session:
            session.get("item")
            raise ValueError("the handler failed")
    except ValueError:
        pass
    assert session._sock is None


assert resource_warnings(fixed_sync_raising) == []

# The per-use form: a with block around each client closes it where it was made.
def per_use() -> None:
    for i in range(3):
        with Session() as session:
            session.get(f"item {i}")


per_use_left, per_use_connections = new_connections(per_use)
assert per_use_left == [] and per_use_connections == 3, per_use_left

# FIXED 2: one async client for the application's life (main, a FastAPI lifespan, an aiohttp
# cleanup context), closed at shutdown: aiohttp-style close() and httpx-style aclose().
client_lifespan = ns["client_lifespan"]


async def fixed_async_main(make) -> list[str]:
    async with client_lifespan(make) as session:
        return [await session.get(f"item {i}") for i in range(10)]


for make in (AsyncSession, AsyncClient):
    replies: list[str] = []
    fixed_async_left, fixed_async_connections = new_connections(
        lambda: replies.extend(asyncio.run(fixed_async_main(make)))
    )
    assert replies[-1] == "ok item 9", replies
    assert fixed_async_left == [] and fixed_async_connections == 1, (make, fixed_async_left)


async def fixed_async_raising() -> None:
    try:
        async with client_lifespan(AsyncSession) as session:
            await session.get("item")
            raise ValueError("start-up failed")
    except ValueError:
        assert session.closed


assert resource_warnings(lambda: asyncio.run(fixed_async_raising())) == []
deadline = time.monotonic() + 10  # the server's threads close their ends as they see EOF
while open_fds() - base_fds > 1 and time.monotonic() < deadline:
    time.sleep(0.01)
assert open_fds() - base_fds <= 1, open_fds() - base_fds  # nothing left open

record(
    wrong_sync_warnings=len(wrong_sync),
    wrong_sync_connections=wrong_sync_connections,
    wrong_first_warning=wrong_sync[0].split(" fd=")[0],
    wrong_kept_open_descriptors=kept_fds,
    wrong_async_session_warnings=len(sessions),
    wrong_async_transport_warnings=len(transports),
    wrong_async_connections=wrong_async_connections,
    fixed_sync_connections=fixed_sync_connections,
    fixed_async_connections=fixed_async_connections,
    fixed_warnings=0,
)
