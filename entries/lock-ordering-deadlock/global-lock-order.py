"""Take several locks in one global order (by id), with a timeout that fails loudly, never hangs."""

# WRONG: each caller locks in its own argument order.
#     def transfer(src, dst, amount):
#         with src.lock:            # thread 1 holds A, thread 2 holds B ...
#             with dst.lock:        # ... each waits for the other's lock forever (0% CPU)
#                 ...


def transfer(src, dst, amount: int, timeout: float = 2.0) -> None:
    """Move money between two accounts; locks are always taken lowest id first."""
    first, second = sorted((src, dst), key=lambda account: account.id)
    if not first.lock.acquire(timeout=timeout):
        raise TimeoutError(f"could not lock account {first.id} within {timeout}s (lock order bug?)")
    try:
        if not second.lock.acquire(timeout=timeout):
            raise TimeoutError(f"could not lock account {second.id} within {timeout}s")
        try:
            src.balance -= amount
            dst.balance += amount
        finally:
            second.lock.release()
    finally:
        first.lock.release()
