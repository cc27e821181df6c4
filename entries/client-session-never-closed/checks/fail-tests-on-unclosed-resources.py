"""ResourceWarning is hidden by default: a leaked socket prints nothing in a plain run. With
-W default it is shown, with -X tracemalloc the line that made it, with -W error the unraisable
form pytest reports. no_unclosed_resources() fails a block that leaks a socket or an
aiohttp-style session, names the line that created it, passes the closed forms, and lets other
warnings through."""

import asyncio
import os
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

from errata_check import load_snippet, record

SOCK = os.path.join(tempfile.mkdtemp(), "api.sock")  # the API's address (no TCP in the sandbox)


class Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        for line in self.rfile:
            self.wfile.write(b"ok " + line)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


server = Server(SOCK, Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()


class Session:
    """Stand-in for requests.Session / httpx.Client: a keep-alive connection kept until close()."""

    def __init__(self) -> None:
        self._sock: socket.socket | None = None

    def get(self, what: str) -> str:
        if self._sock is None:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.connect(SOCK)
        self._sock.sendall(what.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            reply += self._sock.recv(4096)
        return reply.decode().strip()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class AsyncSession:
    """Stand-in for aiohttp.ClientSession: warns as its __del__ does when collected unclosed."""

    def __init__(self) -> None:
        self.closed = False
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, what: str) -> str:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_unix_connection(SOCK)
        self._writer.write(what.encode() + b"\n")
        await self._writer.drain()
        return (await self._reader.readline()).decode().strip()

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
        self.closed = True

    def __del__(self) -> None:
        if not self.closed:
            warnings.warn(f"Unclosed client session {self!r}", ResourceWarning, source=self)


ns = load_snippet()
no_unclosed_resources = ns["no_unclosed_resources"]
UnclosedResourceError = ns["UnclosedResourceError"]


def failure(action) -> str:
    """The guard's error for action, or '' when it passed."""
    try:
        with no_unclosed_resources():
            action()
    except UnclosedResourceError as exc:
        return str(exc)
    return ""


# 1. A plain run prints nothing about a leaked socket; -W default shows it; -X tracemalloc names
#    the line that created it; -W error gives the unraisable form ("Exception ignored in").
Path("leaky.py").write_text(
    "import socket, sys\n"
    "def fetch():\n"
    "    conn = socket.socket(socket.AF_UNIX)\n"
    "    conn.connect(sys.argv[1])\n"
    "    conn.sendall(b'item\\n')\n"
    "    return conn.recv(100)\n"
    "print(fetch())\n",
    encoding="utf-8",
)


def run(*options: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-S", *options, "leaky.py", SOCK]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


plain = run()
assert plain.returncode == 0 and "ok item" in plain.stdout and plain.stderr == "", plain
shown = run("-W", "default::ResourceWarning")
assert "ResourceWarning: unclosed <socket.socket fd=" in shown.stderr, shown
assert "Enable tracemalloc to get the object allocation traceback" in shown.stderr, shown
traced = run("-X", "tracemalloc=5", "-W", "default::ResourceWarning")
allocated = traced.stderr.split("Object allocated at (most recent call last):\n")[1].splitlines()
frames = [line.strip() for line in allocated if line.strip().startswith("File ")]
assert frames[-1].endswith('leaky.py", lineno 3'), traced.stderr  # conn = socket.socket(...)
as_error = run("-W", "error::ResourceWarning")
assert as_error.stderr.startswith("Exception ignored in: <socket.socket fd="), as_error
assert as_error.returncode == 0, as_error  # an error in __del__ cannot fail the program itself


# 2. The guard fails a leaking block and names the line that made the leaked client.
def wrong_fetch() -> str:
    return Session().get("item")  # a client per call, never closed


WRONG_LINE = wrong_fetch.__code__.co_firstlineno + 1
CHECK_FILE = wrong_fetch.__code__.co_filename
wrong = failure(lambda: [wrong_fetch() for _ in range(3)])
first_leak = "3 resource(s) left unclosed:\nResourceWarning: unclosed <socket.socket"
assert wrong.startswith(first_leak), wrong
assert f'File "{CHECK_FILE}", line {WRONG_LINE}' in wrong, wrong


async def wrong_async() -> None:
    session = AsyncSession()
    await session.get("item")


wrong_session = failure(lambda: asyncio.run(wrong_async()))
assert "ResourceWarning: Unclosed client session <" in wrong_session, wrong_session
assert "unclosed transport <_SelectorSocketTransport" in wrong_session, wrong_session

# 3. The closed forms pass: one client closed at the end, a client closed per use.
def fixed() -> None:
    session = Session()
    try:
        for _ in range(3):
            session.get("item")
    finally:
        session.close()


async def fixed_async() -> None:
    session = AsyncSession()
    try:
        await session.get("item")
    finally:
        await session.close()


assert failure(fixed) == ""
assert failure(lambda: asyncio.run(fixed_async())) == ""

# 4. Other warnings in the block are not swallowed.
with warnings.catch_warnings(record=True) as outer:
    warnings.simplefilter("always")
    assert failure(lambda: warnings.warn("old API", DeprecationWarning)) == ""
assert [str(w.message) for w in outer] == ["old API"], outer

record(
    plain_run_stderr=plain.stderr,
    shown_with_W_default=shown.stderr.splitlines()[0].split(" fd=")[0].split(": ", 1)[1],
    traced_allocation=frames[-1].rsplit("/", 1)[-1],
    as_error_first_line=as_error.stderr.split(" fd=")[0],
    guard_wrong_first_line=wrong.splitlines()[0],
    guard_names_line=WRONG_LINE,
    guard_wrong_session="Unclosed client session" in wrong_session,
    guard_fixed="passed",
)
