"""Who may search now: a rate per client and a bound on heavy searches running at once.

Kept in memory per process, like the search index. A search over `heavy_chars` characters is
heavy: at most `heavy_concurrency` run at once, and one over the bound is refused at once
(never queued); small searches never look at that bound, so they never wait behind heavy
ones. Each client has a token bucket: `burst` searches at once, refilled at
`rate_per_minute`. Every refusal is one `SearchRefused` carrying the seconds to wait.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..config import Settings

HEAVY_RETRY_SECONDS = 1.0  # a heavy search's normalization stops after 0.1 s of CPU
MAX_CLIENTS = 100_000  # buckets kept; the least recently seen is forgotten (it refills)


class SearchRefused(RuntimeError):
    """A search not admitted now: retry after `retry_after` seconds.

    `busy` says why: True when the server is at its bound on heavy searches (HTTP answers
    503), False when the client is over its own rate (429).
    """

    def __init__(self, message: str, retry_after: float, *, busy: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.busy = busy

    @property
    def retry_after_header(self) -> str:
        """The whole seconds to wait, as a Retry-After header says them (at least 1)."""
        return str(max(1, math.ceil(self.retry_after)))


@dataclass(frozen=True)
class AdmissionLimits:
    """The limits (see the README's configuration table); `rate_per_minute` 0 means none."""

    rate_per_minute: int = 120
    burst: int = 30
    heavy_chars: int = 20_000
    heavy_concurrency: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> AdmissionLimits:
        """The limits the settings give (ERRATA_SEARCH_RATE_PER_MINUTE and the rest)."""
        return cls(
            rate_per_minute=settings.search_rate_per_minute,
            burst=settings.search_burst,
            heavy_chars=settings.heavy_search_chars,
            heavy_concurrency=settings.heavy_search_concurrency,
        )


@dataclass
class _Bucket:
    tokens: float
    at: float


class SearchAdmission:
    """The gate every search passes: `with admission.admit(client, len(query)): ...`."""

    def __init__(
        self, limits: AdmissionLimits, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._heavy = 0

    @contextmanager
    def admit(self, client: str, query_chars: int) -> Iterator[None]:
        """Hold a place for one search while the block runs; raise `SearchRefused` if none."""
        heavy = query_chars > self.limits.heavy_chars
        with self._lock:
            self._take_token(client)
            if heavy:
                self._take_heavy_place(client)
        try:
            yield
        finally:
            if heavy:
                with self._lock:
                    self._heavy -= 1

    def _take_token(self, client: str) -> None:
        rate = self.limits.rate_per_minute / 60.0
        if rate <= 0:
            return
        now = self._clock()
        bucket = self._bucket(client, now)
        bucket.tokens = min(self.limits.burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens < 1:
            wait = math.ceil((1 - bucket.tokens) / rate)
            raise SearchRefused(
                f"too many searches: {self.limits.rate_per_minute} a minute per client", wait
            )
        bucket.tokens -= 1

    def _bucket(self, client: str, now: float) -> _Bucket:
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = _Bucket(float(self.limits.burst), now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(client)
        return bucket

    def _take_heavy_place(self, client: str) -> None:
        if self._heavy >= self.limits.heavy_concurrency:
            self._refund(client)  # refused for the server's load, not for the client's rate
            raise SearchRefused(
                f"the server is busy with other long queries (over "
                f"{self.limits.heavy_chars} characters); retry shortly or send a shorter one",
                HEAVY_RETRY_SECONDS,
                busy=True,
            )
        self._heavy += 1

    def _refund(self, client: str) -> None:
        bucket = self._buckets.get(client)
        if bucket is not None and self.limits.rate_per_minute > 0:
            bucket.tokens += 1
