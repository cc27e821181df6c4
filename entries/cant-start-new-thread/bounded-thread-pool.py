"""Serve requests from a fixed pool of threads with a bounded backlog, never a thread per request."""

import threading
from concurrent.futures import Future, ThreadPoolExecutor

# WRONG: one new thread per request. Under a burst of slow requests the thread count grows without
# bound until the OS refuses: RuntimeError: can't start new thread.
#     def on_request(request):
#         threading.Thread(target=handle, args=(request,)).start()

MAX_WORKERS = 16  # threads that ever exist for this work
MAX_PENDING = 256  # requests accepted but not finished; beyond that, callers get an error

_pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="request")
_slots = threading.BoundedSemaphore(MAX_PENDING)


def submit_request(request, timeout: float | None = 5.0) -> Future:
    """Queue the request on the shared pool; refuse (TimeoutError) when the backlog is full."""
    if not _slots.acquire(timeout=timeout):
        raise TimeoutError("server busy: too many pending requests")
    future = _pool.submit(handle, request)
    future.add_done_callback(lambda _: _slots.release())
    return future


def handle_all(requests, timeout: float = 30.0) -> list:
    futures = [submit_request(request) for request in requests]
    return [future.result(timeout) for future in futures]
