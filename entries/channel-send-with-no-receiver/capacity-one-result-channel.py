"""Go's `make(chan T, 1)` for a single result, in Python threads: the worker's one send never waits.

Go (the fix this models):
    ch := make(chan result, 1)          // was make(chan result): the send blocked forever
    go func() { ch <- fetch(ctx) }()    // completes even when nobody receives any more
    select {
    case r := <-ch:
        return r.val, r.err
    case <-ctx.Done():
        return nil, ctx.Err()           // the worker still finishes and exits
    }

A queue.Queue(maxsize=1) is that channel: exactly one put() into a free slot never blocks,
so the worker thread ends whether or not the caller is still waiting.
"""

import queue
import threading

# WRONG (a rendezvous: the worker's send waits for a receiver that has returned):
#     ch = Unbuffered()                       # Go: make(chan result)
#     threading.Thread(target=lambda: ch.send(fetch())).start()
#     return ch.recv(timeout=timeout)         # on timeout the worker blocks in send forever


def call_with_timeout(fn, timeout: float):
    """Run fn() in a thread and return its value, or raise TimeoutError after `timeout` s."""
    box: queue.Queue = queue.Queue(maxsize=1)  # capacity 1: room for the one result

    def run() -> None:
        try:
            box.put((True, fn()))
        except Exception as exc:  # deliver the error too, and still exit
            box.put((False, exc))

    threading.Thread(target=run, daemon=True).start()
    try:
        ok, value = box.get(timeout=timeout)
    except queue.Empty:
        raise TimeoutError(f"no result within {timeout} s") from None
    if not ok:
        raise value
    return value
