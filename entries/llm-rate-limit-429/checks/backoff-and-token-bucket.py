"""A fake rate-limited API on a simulated clock: naive retries storm it; the fix does not."""

import email.message
import email.utils
import math
import random
import threading
import time
import urllib.error

from errata_check import load_snippet, record

random.seed(7)
ns = load_snippet()
call_with_backoff = ns["call_with_backoff"]
TokenBucket = ns["TokenBucket"]
retry_after_seconds = ns["retry_after_seconds"]


class Clock:
    """Simulated time: sleep() advances it at once, so minutes of backoff take microseconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def headers(**values: str) -> email.message.Message:
    msg = email.message.Message()
    for key, value in values.items():
        msg[key.replace("_", "-")] = value
    return msg


class RateLimitedAPI:
    """10 requests per second (a bucket of 10), answering 429 with Retry-After like OpenAI does."""

    def __init__(self, clock: Clock, rate: float = 10.0, burst: float = 10.0) -> None:
        self.clock, self.rate, self.burst = clock, rate, burst
        self.tokens, self.stamp = burst, clock()
        self.ok = self.rejected = 0

    def request(self) -> str:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1 - 1e-9:  # same float tolerance as any real limiter
            self.tokens -= 1
            self.ok += 1
            return "200"
        self.rejected += 1
        wait = (1 - self.tokens) / self.rate
        hdrs = headers(Retry_After=str(math.ceil(wait)), retry_after_ms=f"{wait * 1000:.0f}")
        raise urllib.error.HTTPError("https://api.example/v1/chat", 429, "Too Many Requests", hdrs, None)


CALLS = 50

# WRONG: retry after a fixed 10 ms until it works.
clock = Clock()
api = RateLimitedAPI(clock)
for _ in range(CALLS):
    while True:
        try:
            api.request()
            break
        except urllib.error.HTTPError:
            clock.sleep(0.01)
naive_429 = api.rejected
assert api.ok == CALLS

# RIGHT 1: backoff honouring Retry-After / retry-after-ms: at most one 429 per call.
clock = Clock()
api = RateLimitedAPI(clock)
for _ in range(CALLS):
    assert call_with_backoff(api.request, sleep=clock.sleep) == "200"
backoff_429 = api.rejected
assert backoff_429 <= CALLS - 10, backoff_429
assert naive_429 >= 5 * backoff_429, (naive_429, backoff_429)

# RIGHT 2: a client-side bucket at the server's rate: no 429 at all, no slower than the limit.
clock = Clock()
api = RateLimitedAPI(clock)
bucket = TokenBucket(rate=10.0, capacity=10.0, clock=clock, sleep=clock.sleep)
for _ in range(CALLS):
    bucket.acquire(1)
    call_with_backoff(api.request, sleep=clock.sleep)
bucket_429 = api.rejected
assert bucket_429 == 0, bucket_429
ideal = (CALLS - 10) / 10.0
assert ideal - 0.01 <= clock.now <= ideal + 0.5, clock.now

# No Retry-After: capped exponential delays with full jitter, then success.
failures = iter([503, 503, 503])
delays: list[float] = []


def flaky() -> str:
    code = next(failures, None)
    if code is None:
        return "200"
    raise urllib.error.HTTPError("u", code, "Service Unavailable", headers(), None)


assert call_with_backoff(flaky, base=0.5, cap=30, sleep=delays.append) == "200"
assert len(delays) == 3 and all(0 <= d <= 0.5 * 2**i for i, d in enumerate(delays)), delays

# A 400 is not retried; a limit that never lifts gives up after max_attempts.
calls = []


def bad_request() -> str:
    calls.append(1)
    raise urllib.error.HTTPError("u", 400, "Bad Request", headers(), None)


try:
    call_with_backoff(bad_request, sleep=delays.append)
    raise AssertionError("400 should be raised")
except urllib.error.HTTPError as err:
    assert err.code == 400 and len(calls) == 1
calls.clear()


def always_429() -> str:
    calls.append(1)
    raise urllib.error.HTTPError("u", 429, "Too Many Requests", headers(Retry_After="1"), None)


try:
    call_with_backoff(always_429, max_attempts=4, sleep=lambda s: None)
    raise AssertionError("429 should be raised at the end")
except urllib.error.HTTPError as err:
    assert err.code == 429 and len(calls) == 4

# Retry-After as an HTTP date; a request bigger than the bucket is refused, not waited on forever.
date = email.utils.formatdate(time.time() + 30, usegmt=True)
assert 25 <= retry_after_seconds(headers(Retry_After=date)) <= 31
try:
    TokenBucket(rate=1, capacity=5).acquire(6)
    raise AssertionError("oversized request accepted")
except ValueError:
    pass

# The bucket is thread-safe on the real clock: 4 threads, 60 tokens at 400/s after a burst of 10.
real = TokenBucket(rate=400.0, capacity=10.0)
start = time.monotonic()
threads = [threading.Thread(target=lambda: [real.acquire(1) for _ in range(15)]) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join(5)
elapsed = time.monotonic() - start
assert not any(t.is_alive() for t in threads)
assert elapsed >= (60 - 10) / 400.0 * 0.95, elapsed

record(
    calls=CALLS,
    naive_retry_429s=naive_429,
    backoff_429s=backoff_429,
    token_bucket_429s=bucket_429,
    token_bucket_simulated_s=round(clock.now, 2),
    threaded_bucket_elapsed_s=round(elapsed, 3),
)
