"""select() refuses a descriptor numbered 1024 or more however few are watched; epoll and poll take
any number. The sandbox's hard limit (256) keeps real descriptor numbers under 1024, so the number
1024 is passed on its own: select.select rejects it before asking the kernel (ValueError), while
poll and epoll hand it to the kernel, which answers for a descriptor that is not open (POLLNVAL,
EBADF). Then wait_readable and Watcher report exactly the readable ones of 120 real socket pairs,
one moved with os.dup2 to the top number the limit allows (1023 and up where it allows more, where
select.select itself fails)."""

import errno
import os
import resource
import select
import selectors
import socket

from errata_check import load_snippet, record

ns = load_snippet()
wait_readable, Watcher = ns["wait_readable"], ns["Watcher"]
FD_SETSIZE = 1024  # glibc's and macOS's; CPython's select module checks every number against it
SOFT0, HARD = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (HARD, HARD))


class Numbered:
    """Stands for a socket whose descriptor number is `n`."""

    def __init__(self, n: int) -> None:
        self.n = n

    def fileno(self) -> int:
        return self.n


def wrong_wait(sockets: list, timeout: float) -> list:
    """The code this entry replaces."""
    ready, _, _ = select.select(sockets, [], [], timeout)
    return ready


def is_open(fd: int) -> bool:
    """Whether descriptor `fd` is open in this process."""
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


# WRONG: one watched descriptor numbered 1024 is refused by select before the kernel sees it...
try:
    wrong_wait([Numbered(FD_SETSIZE)], 0)
except ValueError as exc:
    select_error = str(exc)
assert select_error == "filedescriptor out of range in select()", select_error
# ...while a closed descriptor under 1024 does reach the kernel, which answers EBADF.
probe = socket.socket(socket.AF_UNIX)
closed = probe.fileno()
probe.close()
try:
    wrong_wait([Numbered(closed)], 0)
except OSError as exc:
    assert exc.errno == errno.EBADF, exc
else:
    raise AssertionError("select accepted a closed descriptor")

# poll and epoll have no such range: the kernel itself answers for number 1024 (not open here).
assert not is_open(FD_SETSIZE) and not is_open(4 * FD_SETSIZE)
poller = select.poll()
poller.register(4 * FD_SETSIZE, select.POLLIN)
assert poller.poll(0) == [(4 * FD_SETSIZE, select.POLLNVAL)]
with selectors.DefaultSelector() as selector:
    kind = type(selector).__name__
    assert kind == "EpollSelector", kind
    try:
        selector.register(Numbered(FD_SETSIZE), selectors.EVENT_READ)
    except OSError as exc:
        assert exc.errno == errno.EBADF, exc  # not a ValueError: epoll took the number

# Real sockets: 120 pairs, one reader moved to the highest number the limit allows.
pairs = [socket.socketpair() for _ in range(min(120, (HARD - 16) // 2))]
top = min(HARD, 4 * FD_SETSIZE) - 1
os.dup2(pairs[0][0].fileno(), top)
pairs[0][0].close()
pairs[0] = (socket.socket(fileno=top), pairs[0][1])
readers = [reader for reader, _ in pairs]
chosen = {0, *range(3, len(pairs), 7)}
for i in chosen:
    pairs[i][1].sendall(b"tick")
expected = {readers[i].fileno() for i in chosen}

assert {s.fileno() for s in wait_readable(readers, 0)} == expected
watcher = Watcher()
for reader in readers:
    watcher.add(reader)
assert {s.fileno() for s in watcher.ready(0)} == expected
for i in chosen:
    assert readers[i].recv(16) == b"tick"
assert watcher.ready(0) == []
pairs[5][1].close()  # end of stream is readable too
assert [s.fileno() for s in watcher.ready(1)] == [readers[5].fileno()]

# select.select copes only while every number is under 1024 (here: the sandbox's limit is 256).
try:
    wrong_ready = {s.fileno() for s in wrong_wait(readers, 0)}
except ValueError as exc:
    assert top >= FD_SETSIZE and str(exc) == select_error, (top, exc)
    wrong_ready = None
else:
    assert top < FD_SETSIZE and wrong_ready == {readers[5].fileno()}, (top, wrong_ready)

record(
    select_error_for_descriptor_1024=select_error,
    poll_answer_for_descriptor_4096="POLLNVAL (not open): no range limit",
    default_selector=kind,
    hard_limit=HARD,
    sockets_watched=len(readers),
    top_descriptor=top,
    readable_reported=len(expected),
    select_select_ok_below_1024=wrong_ready is not None,
)
