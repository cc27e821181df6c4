"""Timeouts and signal handlers that work when called from any thread."""

import concurrent.futures
import signal
import threading

# WRONG: signal-based timeout or handler set from a worker thread (a web request, a pool):
#     signal.signal(signal.SIGALRM, on_timeout); signal.alarm(5)
#     -> ValueError: signal only works in main thread of the main interpreter

_pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="timeout")


def run_with_timeout(func, timeout: float, *args, **kwargs):
    """Wait for func at most `timeout` seconds, from any thread; TimeoutError after that.

    The worker thread is not killed: use a process for CPU-bound work that must stop.
    """
    future = _pool.submit(func, *args, **kwargs)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise TimeoutError(f"{getattr(func, '__name__', func)} took longer than {timeout} s")


def install_handlers(handler, signals=(signal.SIGINT, signal.SIGTERM)) -> bool:
    """Install shutdown handlers only from the main thread; report whether it did."""
    if threading.current_thread() is not threading.main_thread():
        return False
    for signum in signals:
        signal.signal(signum, handler)
    return True
