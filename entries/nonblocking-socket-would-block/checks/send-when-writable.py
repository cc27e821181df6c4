"""A pair of connected non-blocking sockets (AF_UNIX: the sandbox has no network): sendall() of a
payload bigger than the kernel's buffer raises BlockingIOError with part of it sent, recv() before
anything arrived raises it too; send_all() delivers every byte while a slow reader drains the
other end, recv_ready() waits for data, and a listener with nothing pending yields None."""

import socket
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
send_all, recv_ready, accept_ready = ns["send_all"], ns["recv_ready"], ns["accept_ready"]

PAYLOAD = bytes(range(256)) * 16384  # 4 MiB, far more than a socket buffer holds

# WRONG: sendall on a non-blocking socket whose peer does not read yet.
a, b = socket.socketpair()
a.setblocking(False)
try:
    a.sendall(PAYLOAD)
    raise AssertionError("4 MiB should not fit a socket buffer")
except BlockingIOError as exc:
    wrong_errno = exc.errno
    assert "Resource temporarily unavailable" in str(exc) or exc.errno == 11, exc
# and recv before anything arrived
c, d = socket.socketpair()
c.setblocking(False)
try:
    c.recv(10)
    raise AssertionError("nothing was sent yet")
except BlockingIOError:
    pass
a.close()
b.close()

# RIGHT: send_all waits for writability while a slow reader drains the other end.
a, b = socket.socketpair()
a.setblocking(False)
received = bytearray()


def slow_reader() -> None:
    while len(received) < len(PAYLOAD):
        chunk = b.recv(65536)
        if not chunk:
            break
        received.extend(chunk)
        time.sleep(0.0005)


reader = threading.Thread(target=slow_reader)
reader.start()
started = time.process_time()
sent = send_all(a, PAYLOAD, timeout=10)
reader.join(timeout=30)
cpu = time.process_time() - started
assert sent == len(PAYLOAD) and bytes(received) == PAYLOAD, (sent, len(received))

# recv_ready waits for the data instead of raising.
threading.Timer(0.05, lambda: d.send(b"hello")).start()
assert recv_ready(c, timeout=5) == b"hello"

# A peer that never reads: send_all gives up after its timeout instead of spinning forever.
e, f = socket.socketpair()
e.setblocking(False)
try:
    send_all(e, PAYLOAD, timeout=0.2)
    raise AssertionError("a peer that never reads should time out")
except TimeoutError as exc:
    assert "bytes sent" in str(exc)

# A shared listener with nothing pending: accept_ready says so instead of raising.
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind("\0errata-would-block-" + str(time.monotonic_ns()))
listener.listen()
listener.setblocking(False)
assert accept_ready(listener) is None

for s in (a, b, c, d, e, f, listener):
    s.close()
record(payload_bytes=len(PAYLOAD), wrong_errno=wrong_errno, delivered=sent, send_cpu_s=round(cpu, 3))
