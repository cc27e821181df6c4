"""A session closed inside asyncio.run() whose TLS connections finish closing a moment later:
the loop is closed first, and the Proactor transport's __del__ calls the dead loop and prints
"Exception ignored in: <function _ProactorBasePipeTransport.__del__ ...> RuntimeError: Event
loop is closed". Keeping the loop alive for a grace period after the close prints nothing."""

import asyncio
import contextlib
import gc
import io
import socket
import time
import warnings

from errata_check import load_snippet, record

TLS_SHUTDOWN_S = 0.05  # the close_notify round trip before the socket itself is closed
sockets: list = []


class _ProactorBasePipeTransport:
    """What asyncio's proactor_events transport does: close() only schedules
    _call_connection_lost on its loop, and __del__ of a transport that still holds its socket
    calls close(), so it touches the loop even when the loop is already closed."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
        self._loop = loop
        self._sock = sock
        self._closing = False

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._loop.call_soon(self._call_connection_lost, None)

    def _call_connection_lost(self, exc: object) -> None:
        self._sock.close()
        self._sock = None

    def __del__(self, _warn=warnings.warn) -> None:
        if self._sock is not None:
            _warn(f"unclosed transport {self!r}", ResourceWarning, source=self)
            self.close()


class TLSConnection:
    """The TLS layer above it: close() starts the TLS shutdown and closes the socket transport
    only when it completes, TLS_SHUTDOWN_S later (asyncio's sslproto does it on I/O)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, raw: _ProactorBasePipeTransport) -> None:
        self._loop = loop
        self._raw = raw

    def close(self) -> None:
        self._loop.call_later(TLS_SHUTDOWN_S, self._raw.close)


class ClientSession:
    """Like aiohttp.ClientSession / httpx.AsyncClient: close() closes its connections and
    returns without waiting until their sockets are really closed."""

    def __init__(self) -> None:
        self._conns: list = []

    async def get(self, path: str) -> str:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        theirs.close()
        sockets.append(ours)
        self._conns.append(TLSConnection(loop, _ProactorBasePipeTransport(loop, ours)))
        return "200 " + path

    async def close(self) -> None:
        for conn in self._conns:
            conn.close()
        self._conns.clear()

    async def __aenter__(self) -> "ClientSession":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def main() -> str:
    """The program as written: the session is closed inside the loop, as it should be."""
    async with ClientSession() as session:
        return await session.get("/")


def at_exit(run):
    """Run, collect garbage as interpreter exit does, return (result, what stderr shows)."""
    sockets.clear()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        result = run()
        gc.collect()
    return result, err.getvalue()


def still_open() -> int:
    return sum(1 for s in sockets if s.fileno() != -1)


# WRONG: asyncio.run() returns as soon as main() does; the TLS shutdown is still pending.
result, wrong = at_exit(lambda: asyncio.run(main()))
assert result == "200 /"
assert "Exception ignored in: <function _ProactorBasePipeTransport.__del__ at 0x" in wrong, wrong
assert wrong.rstrip().endswith("RuntimeError: Event loop is closed"), wrong
assert "_check_closed" in wrong and "call_soon" in wrong, wrong
wrong_open = still_open()
assert wrong_open == 1, wrong_open

ns = load_snippet()

# FIXED 1: the same main(), run with a grace period inside the loop after it returns.
started = time.perf_counter()
result, fixed = at_exit(lambda: ns["run_and_settle"](main()))
settle_s = time.perf_counter() - started
assert result == "200 /" and fixed == "", fixed
assert still_open() == 0
assert 0.2 < settle_s < 2, settle_s

# A zero-sleep is not enough when the close needs a round trip (aiohttp's docs: TLS needs ~250 ms).
_, zero = at_exit(lambda: ns["run_and_settle"](main(), grace=0))
assert "RuntimeError: Event loop is closed" in zero, zero


# FIXED 2: close explicitly and settle, in the program's own main().
async def main_settled() -> str:
    session = ClientSession()
    try:
        return await session.get("/a")
    finally:
        await ns["close_and_settle"](session)


result, fixed2 = at_exit(lambda: asyncio.run(main_settled()))
assert result == "200 /a" and fixed2 == "" and still_open() == 0, fixed2


# FIXED 3: main() fails after using the session: the error propagates, the exit stays quiet.
async def main_fails() -> str:
    async with ClientSession() as session:
        await session.get("/b")
        raise ValueError("bad answer")


def run_failing() -> str:
    try:
        ns["run_and_settle"](main_fails())
    except ValueError as exc:
        return str(exc)
    return ""


result, fixed3 = at_exit(run_failing)
assert result == "bad answer" and fixed3 == "" and still_open() == 0, (result, fixed3)

# The selector-loop helper runs the coroutine (on Linux it is plain asyncio.run()).
result, fixed4 = at_exit(lambda: ns["run_on_selector_loop_on_windows"](main_settled()))
assert result == "200 /a" and fixed4 == "", fixed4

record(
    wrong_stderr_last_line=wrong.rstrip().splitlines()[-1],
    wrong_sockets_left_open=wrong_open,
    fixed_stderr_chars=len(fixed) + len(fixed2) + len(fixed3),
    zero_sleep_still_fails=True,
    settle_seconds=round(settle_s, 2),
)
