"""An asyncio loop over select() dies in _run_once once it watches a descriptor numbered 1024 (on
Windows: more than 512 sockets); the snippet's loop waits with epoll here and serves 100
concurrent connections. The sandbox's limit (256) keeps real descriptors under 1024, so the loop
is handed the number 1024 itself: the select loop fails with ValueError on its next iteration,
the epoll loop refuses it at add_reader with the kernel's EBADF (it is not open) and keeps
running."""

import asyncio
import errno
import selectors
import socket
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
new_event_loop, run = ns["new_event_loop"], ns["run"]
FD_SETSIZE = 1024
CLIENTS = 100


def soon(loop: asyncio.AbstractEventLoop) -> asyncio.Future:
    """A future the loop completes after 10 ms."""
    future = loop.create_future()
    loop.call_later(0.01, future.set_result, None)
    return future


# WRONG: the loop Windows used before Python 3.8 (and WindowsSelectorEventLoopPolicy still gives).
wrong = asyncio.SelectorEventLoop(selectors.SelectSelector())
wrong.add_reader(FD_SETSIZE, lambda: None)  # registering is accepted...
try:
    wrong.run_until_complete(soon(wrong))  # ...and the next wait fails
except ValueError as exc:
    wrong_error = str(exc)
finally:
    wrong.remove_reader(FD_SETSIZE)
    wrong.close()
assert wrong_error == "filedescriptor out of range in select()", wrong_error

# RIGHT: the snippet's loop waits with epoll; the number goes to the kernel, and the loop goes on.
right = new_event_loop()
selector_kind = type(right._selector).__name__  # type: ignore[attr-defined]
assert selector_kind == "EpollSelector", selector_kind
try:
    right.add_reader(FD_SETSIZE, lambda: None)
except OSError as exc:
    assert exc.errno == errno.EBADF, exc
right.run_until_complete(soon(right))
right.close()

folder = Path(tempfile.mkdtemp())


async def echo_many(clients: int) -> int:
    """A server and `clients` connections open at once, each echoed once."""

    finished: list[bool] = []
    all_finished = asyncio.Event()

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readexactly(4))
        await writer.drain()
        finished.append(await reader.read() == b"")  # held open until the client closes
        writer.close()
        if len(finished) == clients:
            all_finished.set()

    server = await asyncio.start_unix_server(echo, path=str(folder / "echo.sock"))
    conns = [await asyncio.open_unix_connection(str(folder / "echo.sock")) for _ in range(clients)]
    for _, writer in conns:
        writer.write(b"tick")
    answers = await asyncio.gather(*(reader.readexactly(4) for reader, _ in conns))
    for _, writer in conns:
        writer.close()
    await asyncio.wait_for(all_finished.wait(), 10)
    assert all(finished), finished
    server.close()
    await server.wait_closed()
    return sum(answer == b"tick" for answer in answers)


served = run(echo_many(CLIENTS))
assert served == CLIENTS, served

# run() uses its own loop whatever policy is set, as a library forcing the selector policy would.
asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())
assert run(asyncio.sleep(0, "done")) == "done"

record(
    select_loop_error=wrong_error,
    snippet_loop_selector=selector_kind,
    concurrent_connections_served=served,
)
