"""Retry with randomized (jittered) exponential backoff so clients that failed together do not retry together."""

import random
import time

# WRONG: deterministic backoff. Every client that failed in the same outage computes the same
# schedule (1 s, 2 s, 4 s, ...), so all retries land in the same instant: waves of requests
# (503 storms) that knock the recovering service over again.
#     delay = base * 2 ** attempt
#     time.sleep(delay)


def full_jitter(attempt: int, base: float = 0.1, cap: float = 20.0, rng: random.Random = random) -> float:
    """AWS 'full jitter': uniform in [0, min(cap, base * 2**attempt)]."""
    return rng.uniform(0, min(cap, base * 2**attempt))


def decorrelated_jitter(previous: float, base: float = 0.1, cap: float = 20.0, rng: random.Random = random) -> float:
    """AWS 'decorrelated jitter': uniform in [base, previous * 3], capped; pass the last delay back in."""
    return min(cap, rng.uniform(base, max(base, previous) * 3))


def retry(call, *, is_retryable, max_attempts: int = 8, base: float = 0.1, cap: float = 20.0, sleep=time.sleep):
    """Call call() until it succeeds, sleeping full_jitter(...) between retryable failures."""
    for attempt in range(max_attempts):
        try:
            return call()
        except Exception as exc:
            if not is_retryable(exc) or attempt == max_attempts - 1:
                raise
            sleep(full_jitter(attempt, base, cap))
    raise AssertionError("unreachable")
