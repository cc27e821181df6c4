"""Survive HTTP 429: back off with full jitter, honour Retry-After, and pace calls with a token bucket."""

import email.utils
import random
import threading
import time
import urllib.error

RETRYABLE = {429, 500, 502, 503, 504}

# WRONG: retry at once (or after a fixed short sleep) until it works.
#     while True:
#         try:
#             return client.chat.completions.create(...)
#         except RateLimitError:
#             continue  # every retry is another request counted against the same limit


def retry_after_seconds(headers) -> float | None:
    """The wait the server asked for: `retry-after-ms` (OpenAI), `Retry-After` in seconds or as a date."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def call_with_backoff(request, *, max_attempts=6, base=0.5, cap=30.0, sleep=time.sleep):
    """RIGHT: call request(); on 429/5xx wait (Retry-After, else capped exponential with full jitter)."""
    for attempt in range(max_attempts):
        try:
            return request()
        except urllib.error.HTTPError as err:
            if err.code not in RETRYABLE or attempt == max_attempts - 1:
                raise  # 400/401/404... or out of attempts: retrying cannot help
            hinted = retry_after_seconds(err.headers)
            if hinted is not None:
                delay = hinted + random.uniform(0, base)  # what the server asked, plus a little jitter
            else:
                delay = random.uniform(0, min(cap, base * 2**attempt))  # full jitter
            sleep(min(delay, cap))
    raise AssertionError("unreachable")


class TokenBucket:
    """RIGHT: a client-side limiter, so the server's limit is rarely hit at all.

    Refills `rate` tokens per second up to `capacity`; acquire(n) waits until n tokens are there.
    For a 30,000 tokens-per-minute limit: TokenBucket(rate=30000 / 60, capacity=30000), and
    acquire(prompt_tokens + max_tokens) before each call.
    """

    def __init__(self, rate: float, capacity: float, *, clock=time.monotonic, sleep=time.sleep):
        self.rate, self.capacity = rate, capacity
        self._clock, self._sleep = clock, sleep
        self._tokens, self._stamp = capacity, clock()
        self._lock = threading.Lock()

    def acquire(self, tokens: float = 1.0) -> None:
        if tokens > self.capacity:
            raise ValueError(f"a request of {tokens} tokens can never fit a bucket of {self.capacity}")
        while True:
            with self._lock:  # held only for the arithmetic, never across the sleep
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= tokens - 1e-9:  # tolerate float rounding of the refill
                    self._tokens = max(0.0, self._tokens - tokens)
                    return
                wait = (tokens - self._tokens) / self.rate
            self._sleep(wait)
