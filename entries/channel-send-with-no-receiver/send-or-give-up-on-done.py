"""Go's `select { case ch <- v: case <-ctx.Done(): }` and `defer close(ch)`, in Python threads.

Go (the fix this models):
    ctx, cancel := context.WithCancel(ctx)
    defer cancel()                        // the consumer leaving early releases every sender
    results, errc := make(chan Item), make(chan error, 1)
    go func() {
        defer close(results)              // close first, from the sending side
        for it := range source {
            select {
            case results <- it:
            case <-ctx.Done():
                return                    // receiver gone: give up instead of blocking forever
            }
        }
        errc <- source.Err()              // capacity 1: never waits for the reader
    }()
    for it := range results { ... }       // may return early: cancel() frees the producer
    return <-errc                         // read after results closed: no ordering deadlock

Python's queue has no select: a put with a short timeout, re-tried until `done` is set,
stands in for the `case <-ctx.Done()` branch. CLOSED stands in for close(results).
"""

import queue
import threading

CLOSED = object()  # close(results): nothing more will be sent

# WRONG:
#     for item in produce():
#         results.put(item)          # blocks forever once the consumer returned on an error
#     errors.put(exc)                # unbuffered error sent BEFORE results is closed, while the
#     results.put(CLOSED)            # consumer only reads errors after results closed: deadlock


def send(ch: queue.Queue, item, done: threading.Event, poll: float = 0.02) -> bool:
    """Put item on ch unless the receiver has gone (done set); True if it was sent."""
    while not done.is_set():
        try:
            ch.put(item, timeout=poll)
            return True
        except queue.Full:
            continue
    return False


def _producer(produce, results: queue.Queue, errors: queue.Queue, done: threading.Event) -> None:
    try:
        for item in produce():
            if not send(results, item, done):
                return
    except Exception as exc:
        errors.put(exc)  # capacity 1: never waits, whatever the consumer is doing
    finally:
        send(results, CLOSED, done)  # close from the sending side, on every path


def consume(produce, handle) -> list:
    """Handle every item produce() yields; stop early on handle's error without leaking the producer."""
    done = threading.Event()
    results: queue.Queue = queue.Queue(maxsize=1)
    errors: queue.Queue = queue.Queue(maxsize=1)
    threading.Thread(target=_producer, args=(produce, results, errors, done), daemon=True).start()
    handled = []
    try:
        for item in iter(results.get, CLOSED):
            handled.append(handle(item))  # may raise: the consumer returns early
    finally:
        done.set()  # Go: cancel(); the producer's pending send gives up
    if not errors.empty():
        raise errors.get()
    return handled
