"""A connection opened before fork() is shared by the workers and breaks; one per process works.

A stand-in database server speaks over a Unix socket with a per-connection record counter, as
TLS does (each side numbers its records; a record out of sequence fails the MAC check). The
client keeps its own counter, which fork() copies: two processes using one connection send the
same number twice. A stand-in GPU runtime marks itself unusable in a child forked after it was
initialised, as torch.cuda does.
"""

import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from errata_check import load_snippet, record

ADDR = os.path.join(tempfile.mkdtemp(), "db.sock")  # no TCP in the sandbox
SERVER = f"""
import os, socket, threading
srv = socket.socket(socket.AF_UNIX)
srv.bind({ADDR!r})
srv.listen(16)
ids = iter(range(1, 1000))
def serve(conn, cid):
    expected = 1
    with conn, conn.makefile("rwb", buffering=0) as stream:
        for line in stream:
            if line == b"BYE\\n":  # the client library's goodbye (libpq Terminate, TLS close_notify)
                return
            seq, query = line.decode().rstrip("\\n").split(" ", 1)
            if int(seq) != expected:  # a record out of sequence: the session is over
                stream.write(b"ERR SSL error: decryption failed or bad record mac\\n")
                return
            expected += 1
            stream.write(f"OK {{cid}} {{query}}\\n".encode())
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn, next(ids)), daemon=True).start()
"""

# The stand-in GPU runtime: what torch.cuda does at fork (torch/cuda/__init__.py, _after_fork).
Path("fakecuda.py").write_text(
    '''import os
_initialized = False
_in_bad_fork = False
def _after_fork():
    global _initialized, _in_bad_fork
    if _initialized:
        _initialized, _in_bad_fork = False, True
os.register_at_fork(after_in_child=_after_fork)
def init():
    global _initialized
    if _in_bad_fork:
        raise RuntimeError("Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
                           "multiprocessing, you must use the 'spawn' start method")
    _initialized = True
    return os.getpid()
''',
    encoding="utf-8",
)
sys.path.insert(0, os.getcwd())
import fakecuda  # noqa: E402


class DatabaseError(Exception):
    pass


class Connection:
    """A client connection as psycopg2 over TLS keeps it: a socket plus a record counter."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(ADDR)
        self.stream = self.sock.makefile("rwb", buffering=0)
        self.seq = 0

    def execute(self, query: str) -> int:
        """Run a query; return the server's connection id."""
        self.seq += 1
        try:
            self.stream.write(f"{self.seq} {query}\n".encode())
            reply = self.stream.readline().decode()
        except OSError:
            reply = ""
        if not reply:
            raise DatabaseError("server closed the connection unexpectedly")
        if reply.startswith("ERR "):
            raise DatabaseError(reply[4:].strip())
        _, cid, echoed = reply.rstrip("\n").split(" ", 2)
        assert echoed == query, (echoed, query)  # a reply meant for another process
        return int(cid)

    def close(self) -> None:
        self.stream.write(b"BYE\n")
        self.sock.close()


FORK = multiprocessing.get_context("fork")  # the Linux default before Python 3.14
results = FORK.SimpleQueue()


def in_worker(task) -> None:
    """Run task() in a forked worker and return its outcome: ('ok', value) or ('error', text)."""

    def target() -> None:
        try:
            results.put(("ok", task()))
        except Exception as exc:  # noqa: BLE001 - the outcome is the result
            results.put(("error", f"{type(exc).__name__}: {exc}"))

    process = FORK.Process(target=target)
    process.start()
    outcome = results.get()
    process.join(10)
    return outcome


def outcome(task):
    try:
        return ("ok", task())
    except Exception as exc:  # noqa: BLE001
        return ("error", f"{type(exc).__name__}: {exc}")


server = subprocess.Popen([sys.executable, "-S", "-c", SERVER])
try:
    deadline = time.monotonic() + 10
    while not os.path.exists(ADDR) and time.monotonic() < deadline:
        time.sleep(0.01)

    # 1. WRONG: the app connects at start-up (preload), then forks two workers that use it.
    conn = Connection()
    conn.execute("SELECT 'startup'")
    wrong = [in_worker(lambda i=i: conn.execute(f"SELECT {i}")) for i in range(2)]
    parent_after = outcome(lambda: conn.execute("SELECT 'parent'"))
    assert wrong[0][0] == "ok", wrong  # the first process to use the copy gets through...
    bad_mac = "DatabaseError: SSL error: decryption failed or bad record mac"
    assert wrong[1] == ("error", bad_mac), wrong  # ...the second repeats a record number
    closed = "DatabaseError: server closed the connection unexpectedly"
    assert parent_after == ("error", closed), parent_after  # and the parent's session is gone

    # 2. WRONG too: the child closes the inherited copy and opens its own: its close says goodbye
    # on the parent's socket, so the child works and the parent's next query fails.
    conn = Connection()
    conn.execute("SELECT 'startup'")

    def close_then_reconnect() -> int:
        conn.close()
        return Connection().execute("SELECT 'child'")

    child_closed = in_worker(close_then_reconnect)
    parent_after_close = outcome(lambda: conn.execute("SELECT 'parent'"))
    assert child_closed[0] == "ok" and parent_after_close == ("error", closed), (
        child_closed,
        parent_after_close,
    )

    # 3. The fix: one connection per process, the parent's copy set aside in the child.
    ns = load_snippet()
    db = ns["PerProcess"](Connection)
    parent_cid = db.get().execute("SELECT 'startup'")
    fixed = [in_worker(lambda i=i: db.get().execute(f"SELECT {i}")) for i in range(3)]
    assert [kind for kind, _ in fixed] == ["ok"] * 3, fixed
    worker_cids = [cid for _, cid in fixed]
    assert len(set(worker_cids)) == 3 and parent_cid not in worker_cids, (parent_cid, fixed)
    assert db.get().execute("SELECT 'parent'") == parent_cid  # the parent's session still works

    # 3b. The same through a worker hook (gunicorn post_fork, Celery worker_process_init).
    def hooked() -> int:
        db.after_fork()
        return db.get().execute("SELECT 'hooked'")

    hook = in_worker(hooked)
    assert hook[0] == "ok" and hook[1] not in (parent_cid, *worker_cids), hook
    assert db.get().execute("SELECT 'parent'") == parent_cid

    # 4. A GPU runtime initialised in the parent cannot be used in a forked child, not even lazily.
    gpu = ns["PerProcess"](fakecuda.init)
    gpu_clean = [in_worker(gpu.get) for _ in range(2)]  # the parent never touched the GPU
    assert [kind for kind, _ in gpu_clean] == ["ok", "ok"], gpu_clean
    assert gpu.get() == os.getpid()  # now the parent has initialised it
    gpu_bad = in_worker(gpu.get)
    cuda_error = (
        "RuntimeError: Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
        "multiprocessing, you must use the 'spawn' start method"
    )
    assert gpu_bad == ("error", cuda_error), gpu_bad
finally:
    server.kill()
    server.wait(10)

record(
    wrong_worker_error=wrong[1][1],
    wrong_parent_error=parent_after[1],
    child_close_breaks_parent=parent_after_close[1],
    fixed_workers_ok=len(fixed) + 1,
    fixed_distinct_connections=len(set(worker_cids)) + 2,
    gpu_lazy_in_child_ok=2,
    gpu_after_parent_init=gpu_bad[1],
)
