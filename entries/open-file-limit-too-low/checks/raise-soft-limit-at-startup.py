"""A legitimate workload under a low soft limit: 100 live connections at once and 150 descriptors
passed from a worker process. Both fail at the same load on every run (EMFILE, "received 0 items
of ancdata") with no descriptor leaked; after raise_nofile_limit() both succeed."""

import errno
import multiprocessing
import resource
import socket
import tempfile
from contextlib import ExitStack
from multiprocessing import reduction
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
raise_nofile_limit, require_descriptors = ns["raise_nofile_limit"], ns["require_descriptors"]

SOFT0, HARD = resource.getrlimit(resource.RLIMIT_NOFILE)
assert HARD != resource.RLIM_INFINITY and HARD >= 240, HARD
LOW = 64  # stands for macOS's 256 or a container's 1024, scaled to this run's hard limit
CLIENTS = 100  # live connections a hub keeps open at once: 2 descriptors each
SHARED = 150  # descriptors a worker process hands over, each kept alive by the receiver
folder = Path(tempfile.mkdtemp())


def serve(clients: int) -> int:
    """A hub with `clients` live connections at once, each sent a message; all closed after."""
    path = folder / "hub.sock"
    path.unlink(missing_ok=True)
    with ExitStack() as stack, socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        listener.listen(clients)
        live = []
        try:
            for _ in range(clients):
                client = stack.enter_context(socket.socket(socket.AF_UNIX))
                client.connect(str(path))
                live.append((client, stack.enter_context(listener.accept()[0])))
        except OSError as exc:
            assert exc.errno == errno.EMFILE, exc
            assert str(exc) == "[Errno 24] Too many open files", exc
            return len(live)
        for _, server_side in live:
            server_side.sendall(b"tick")
        assert all(client.recv(4) == b"tick" for client, _ in live)
        return len(live)


def worker(sock: socket.socket, count: int) -> None:
    """Like a DataLoader worker: put each batch in a file and hand its descriptor over."""
    try:
        for i in range(count):
            with open(folder / f"batch-{i}", "w+b") as batch:
                batch.write(b"x" * 64)
                reduction.sendfds(sock, [batch.fileno()])
    except OSError:
        pass  # the receiver gave up
    finally:
        sock.close()


def receive(count: int) -> tuple[int, str | None]:
    """Keep every descriptor the worker sends (the batches are in use); the error, if any."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    process = multiprocessing.get_context("fork").Process(target=worker, args=(theirs, count))
    process.start()
    theirs.close()
    kept = 0
    with ExitStack() as stack:
        try:
            for _ in range(count):
                stack.enter_context(open(reduction.recvfds(ours, 1)[0], "rb"))
                kept += 1
            return kept, None
        except RuntimeError as exc:
            return kept, str(exc)
        finally:
            ours.close()
            process.join(10)


resource.setrlimit(resource.RLIMIT_NOFILE, (LOW, HARD))

# WRONG: the low soft limit. A small load passes on every run (nothing leaks), while the real
# load fails at the same number of connections on every run: a fixed load, not uptime.
assert [serve(20) for _ in range(3)] == [20, 20, 20]
reached = [serve(CLIENTS) for _ in range(3)]
assert reached[0] < CLIENTS and reached == [reached[0]] * 3, reached
kept, error = receive(SHARED)
assert error == "received 0 items of ancdata" and kept < SHARED, (kept, error)

# RIGHT: raise the soft limit to the hard limit at startup; the same workload succeeds.
soft = raise_nofile_limit()
assert soft == HARD, (soft, HARD)
assert resource.getrlimit(resource.RLIMIT_NOFILE) == (HARD, HARD)
assert serve(CLIENTS) == CLIENTS
assert receive(SHARED) == (SHARED, None)
assert raise_nofile_limit(LOW) == HARD  # never lowers it

# A need above the hard limit stops at startup with where to raise it.
resource.setrlimit(resource.RLIMIT_NOFILE, (LOW, HARD))
assert require_descriptors(2 * CLIENTS + 20) == 2 * CLIENTS + 20
try:
    require_descriptors(HARD + 1000)
except RuntimeError as exc:
    assert "LimitNOFILE=" in str(exc) and "--ulimit nofile" in str(exc), exc
else:
    raise AssertionError("a need above the hard limit passed")

resource.setrlimit(resource.RLIMIT_NOFILE, (SOFT0, HARD))
record(
    low_soft_limit=LOW,
    hard_limit=HARD,
    connections_before_emfile=reached,
    descriptors_received_before_ancdata_error=kept,
    connections_after_raise=CLIENTS,
    descriptors_received_after_raise=SHARED,
)
