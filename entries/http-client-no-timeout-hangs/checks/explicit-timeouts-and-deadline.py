"""Stalled and trickling peers over socketpairs: no timeout hangs; the fix fails fast and bounded."""

import asyncio
import socket
import threading
import time

from errata_check import load_snippet, record

ns = load_snippet()
read_until_eof = ns["read_until_eof"]
read_line_with_timeout = ns["read_line_with_timeout"]
peers: list[socket.socket] = []  # keep the silent peers open (a stalled server, not a closed one)


def stalled_pair() -> socket.socket:
    ours, theirs = socket.socketpair()
    peers.append(theirs)
    return ours


# WRONG: a plain recv() on a silent peer is still waiting after 1 s (and would wait forever).
sock = stalled_pair()
done = threading.Event()
threading.Thread(target=lambda: (sock.recv(1), done.set()), daemon=True).start()
assert not done.wait(1.0), "recv without a timeout returned"
no_timeout_still_waiting = True

# RIGHT: the per-read timeout turns the stall into TimeoutError after ~0.2 s.
sock = stalled_pair()
t0 = time.monotonic()
try:
    read_until_eof(sock, read_timeout=0.2, deadline=5)
    raise AssertionError("a stalled peer produced a response")
except TimeoutError:
    stalled_s = time.monotonic() - t0
assert 0.15 <= stalled_s < 1.0, stalled_s

# A trickling server (one byte every 50 ms) defeats a read timeout alone; the deadline stops it.
ours, theirs = socket.socketpair()
stop = threading.Event()


def trickle() -> None:
    with theirs:
        while not stop.wait(0.05):
            try:
                theirs.sendall(b".")
            except OSError:
                return


threading.Thread(target=trickle, daemon=True).start()
t0 = time.monotonic()
try:
    read_until_eof(ours, read_timeout=0.2, deadline=0.6)
    raise AssertionError("a trickling peer finished")
except TimeoutError:
    trickle_s = time.monotonic() - t0
stop.set()
assert 0.55 <= trickle_s < 1.5, trickle_s

# A healthy server: the full response is returned, timeouts do not get in the way.
ours, theirs = socket.socketpair()
theirs.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
theirs.close()
assert read_until_eof(ours, read_timeout=0.5, deadline=2).endswith(b"\r\n\r\nok")


# asyncio: a read that never completes is cut at the timeout; a healthy one returns.
async def main() -> float:
    ours, theirs = socket.socketpair()
    peers.append(theirs)
    reader, writer = await asyncio.open_connection(sock=ours)
    t0 = time.monotonic()
    try:
        await read_line_with_timeout(reader, timeout=0.2)
        raise AssertionError("the silent peer sent a line")
    except TimeoutError:
        elapsed = time.monotonic() - t0
    theirs.sendall(b"pong\n")
    assert await read_line_with_timeout(reader, timeout=1) == b"pong\n"
    writer.close()
    await writer.wait_closed()
    return elapsed


async_s = asyncio.run(main())
assert 0.15 <= async_s < 1.0, async_s

record(
    no_timeout_waiting_after_s=1.0,
    stalled_read_timeout_after_s=round(stalled_s, 3),
    trickle_deadline_after_s=round(trickle_s, 3),
    asyncio_timeout_after_s=round(async_s, 3),
)
