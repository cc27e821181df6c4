"""A non-blocking socket raises BlockingIOError (EAGAIN / EWOULDBLOCK, errno 11 on Linux, 35 on
macOS, WinError 10035) whenever the call would have to wait: wait until it is ready, then go on."""

import errno
import selectors
import socket

# WRONG: a socket in non-blocking mode (setblocking(False), settimeout(0), or one an event loop
# owns) used as if calls waited:
#     sock.setblocking(False)
#     sock.sendall(big_payload)   # BlockingIOError: [Errno 11] Resource temporarily unavailable
#     data = sock.recv(4096)      # the same when nothing has arrived yet
# sendall() on a non-blocking socket stops when the send buffer fills, and the part already sent
# is lost to the caller. Retrying in a loop without waiting spins the CPU at 100%.

WOULD_BLOCK = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINPROGRESS)


def send_all(sock: socket.socket, data: bytes, timeout: float = 30.0) -> int:
    """Send every byte of `data` on a non-blocking socket: send what fits, wait until the socket
    is writable again (never spin), give up after `timeout` seconds without progress."""
    view, sent = memoryview(data), 0
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_WRITE)
        while sent < len(view):
            try:
                sent += sock.send(view[sent:])
            except BlockingIOError:
                if not selector.select(timeout):
                    raise TimeoutError(f"peer read nothing for {timeout} s; {sent} bytes sent")
    return sent


def recv_ready(sock: socket.socket, size: int = 65536, timeout: float = 30.0) -> bytes:
    """Receive from a non-blocking socket once data has arrived (b"" means the peer closed)."""
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        while True:
            try:
                return sock.recv(size)
            except BlockingIOError:
                if not selector.select(timeout):
                    raise TimeoutError(f"nothing arrived in {timeout} s") from None


def accept_ready(listener: socket.socket) -> socket.socket | None:
    """Accept on a listening socket that several workers share: when another worker took the
    connection first, EAGAIN is normal and there is simply nothing to accept (None)."""
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return None
    return conn
