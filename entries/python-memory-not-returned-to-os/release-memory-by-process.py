"""Get a Python process's memory back after a big step: run the step in a short-lived child
process (the OS takes back all of its memory when it exits), recycle long-lived workers, and on
glibc hand free heap pages back with malloc_trim; tell allocator retention from a real leak."""

import ctypes
import ctypes.util
import multiprocessing

# WRONG: expecting del + gc.collect() to bring RSS back down:
#     rows = [parse(line) for line in open("big.csv")]   # millions of small objects
#     summary = summarise(rows); keep = rows[::1000]
#     del rows; gc.collect()                              # RSS stays near the peak
# CPython frees the objects, but its small-object allocator (pymalloc) returns a 1 MiB arena to
# the OS only when every object in it is gone, and a few survivors spread over the arenas pin
# them all; larger blocks come from glibc malloc, which keeps freed heap space below the top of
# the heap (and one arena per thread) for reuse. The memory is free for this process, not for
# the OS: RSS stays at the peak, tracemalloc and gc show nothing growing.


def rss_mib():
    """This process's resident memory now (Linux: VmRSS from /proc), in MiB; None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def retained_not_leaked(rss_before_mib, held_mib, *, slack_mib=20):
    """True when RSS is well above what Python still holds: allocator retention, not a leak.

    held_mib is what Python still holds, e.g. tracemalloc.get_traced_memory()[0] / 2**20 with
    tracemalloc started before the step: a real leak shows up there too, retention only in RSS."""
    now = rss_mib()
    return now is not None and now - rss_before_mib > held_mib + slack_mib


def _child(conn, func, args, kwargs):
    try:
        conn.send((True, func(*args, **kwargs)))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, raised there
        conn.send((False, exc))
    finally:
        conn.close()


def run_in_child(func, *args, **kwargs):
    """Run func(*args, **kwargs) in a fresh child process and return its (picklable) result.

    Everything the step allocates lives and dies with the child, so the parent's RSS stays where it
    was. Return a small result (a summary, a path to what it wrote), not the big data. Uses fork
    (Linux); a parent that already runs threads should use a "forkserver" or "spawn" context with
    a func importable from a module instead."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, func, args, kwargs))
    child.start()
    send.close()
    try:
        ok, value = receive.recv()
    except EOFError:
        child.join()
        raise ChildProcessError(f"the child exited with code {child.exitcode} (killed?)") from None
    finally:
        receive.close()
    child.join()
    if not ok:
        raise value
    return value


def recycling_pool(processes, tasks_per_child=1):
    """A process pool whose workers exit after tasks_per_child tasks, returning their memory."""
    return multiprocessing.get_context("fork").Pool(processes, maxtasksperchild=tasks_per_child)


def trim_heap():
    """glibc only: give the malloc heap's free pages back to the OS (malloc_trim(0)).

    Helps with memory that glibc malloc kept (blocks over 512 bytes: strings, bytes, buffers, C
    extensions); it cannot free pymalloc arenas pinned by live objects. True if it ran."""
    name = ctypes.util.find_library("c")
    if not name or "libc.so" not in name:  # musl (Alpine), macOS, Windows: nothing to call
        return False
    libc = ctypes.CDLL(name)
    if not hasattr(libc, "malloc_trim"):
        return False
    libc.malloc_trim(0)
    return True


# The same idea in servers and task queues (each worker process exits now and then):
#   Celery:    worker_max_tasks_per_child = 100, worker_max_memory_per_child = 500_000  # KiB
#   gunicorn:  --max-requests 1000 --max-requests-jitter 100
#   uWSGI:     max-requests = 1000, reload-on-rss = 512
#   multiprocessing.Pool(maxtasksperchild=1); ProcessPoolExecutor(max_tasks_per_child=1) (3.11+)
# Threaded programs on glibc: start them with MALLOC_ARENA_MAX=2 in the environment (set before
# the process starts: Dockerfile ENV, systemd Environment=), so threads share two malloc arenas
# instead of up to 8 per CPU core. Or preload jemalloc (LD_PRELOAD=libjemalloc.so.2).
# Better still, never hold it all at once: read the file in chunks (pandas chunksize=, iterate
# lines, a generator), so the peak itself stays small.
