"""Wait on sockets with selectors.DefaultSelector (epoll, kqueue, poll) instead of select.select."""

import selectors
import socket
from collections.abc import Iterable

# WRONG: select() takes fd_sets, fixed bitmaps of FD_SETSIZE slots (1024 in glibc and macOS, 512
# sockets in CPython's Windows build). CPython refuses a descriptor past them before the kernel is
# asked, however few sockets are watched, and raising ulimit -n only lets the numbers grow past 1024:
#     ready, _, _ = select.select(sockets, [], [], timeout)
#     ValueError: filedescriptor out of range in select()   (Linux, macOS: a descriptor number >= 1024)
#     ValueError: too many file descriptors in select()     (Windows: more than 512 sockets at once)
# In C, FD_SET() on a descriptor >= 1024 writes past the fd_set: "*** buffer overflow detected ***".
# Use poll(2) or epoll(7) there, as here.


def wait_readable(
    sockets: Iterable[socket.socket], timeout: float | None = None
) -> list[socket.socket]:
    """The sockets with data (or end of stream) to read within `timeout` seconds.

    DefaultSelector is epoll on Linux, kqueue on macOS/BSD, poll elsewhere: no limit on the
    descriptor number or on how many are watched. (On Windows it is still select(), 512 sockets
    at most: there, run asyncio's ProactorEventLoop or serve from Linux.)"""
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        return [key.fileobj for key, _ in selector.select(timeout)]  # type: ignore[misc]


class Watcher:
    """One long-lived selector for a server loop: register once, wait many times."""

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()

    def add(self, sock: socket.socket) -> None:
        """Watch `sock` for reading (any descriptor number)."""
        self.selector.register(sock, selectors.EVENT_READ)

    def remove(self, sock: socket.socket) -> None:
        """Stop watching `sock`; call it before closing the socket."""
        self.selector.unregister(sock)

    def ready(self, timeout: float | None = None) -> list[socket.socket]:
        """The watched sockets readable within `timeout` seconds."""
        return [key.fileobj for key, _ in self.selector.select(timeout)]  # type: ignore[misc]
