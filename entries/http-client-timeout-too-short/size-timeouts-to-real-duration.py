"""Timeouts sized to how long the server really takes: a short connect timeout, a read timeout
above the slowest healthy response, and every hop in front (proxy, worker) checked against it."""

import http.client
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# WRONG: httpx.Client() (5 s of network inactivity) or requests.post(url, timeout=10) against a
#   chat completion, a local model or a report that takes 40 s: httpx.ReadTimeout / ReadTimeout
#   after the same 5 or 10 s on every attempt, while the server logs the request finishing later.
#   Retrying does not help: each attempt is cut at the same limit.


@dataclass(frozen=True)
class Timeouts:
    """A connect timeout (reaching the host: seconds) and a read timeout (waiting for the answer).

    httpx / OpenAI / Anthropic SDK: timeout=httpx.Timeout(t.read, connect=t.connect)
    requests:                        requests.post(url, json=body, timeout=(t.connect, t.read))
    aiohttp:                         aiohttp.ClientTimeout(sock_connect=t.connect, sock_read=t.read)
    """

    connect: float
    read: float


def sized_timeouts(
    durations: Iterable[float], *, headroom: float = 2.0, connect: float = 5.0, floor: float = 10.0
) -> Timeouts:
    """The read timeout is the slowest healthy response measured, times headroom (at least floor);
    the connect timeout stays short, so an unreachable host still fails fast."""
    slowest = max(durations, default=0.0)
    return Timeouts(connect=connect, read=max(floor, slowest * headroom))


def expected_llm_seconds(
    max_output_tokens: int, tokens_per_second: float, first_token_seconds: float
) -> float:
    """How long a non-streamed completion can legitimately take: time to the first token (it grows
    with the prompt) plus the longest answer allowed at the model's slowest generation speed."""
    return first_token_seconds + max_output_tokens / tokens_per_second


def hops_too_short(hops: Mapping[str, float], slowest: float, *, headroom: float = 1.5) -> list[str]:
    """Every timeout on the path must outlast the slowest response: the client's read timeout, a
    proxy's (nginx proxy_read_timeout, 60 s by default), the server's (gunicorn --timeout, 30 s)
    and Node's fetch (undici headersTimeout / bodyTimeout, 300 s). Returns the ones that cut it."""
    needed = slowest * headroom
    return [f"{name}: {limit:g} s < {needed:g} s" for name, limit in hops.items() if limit < needed]


class ReadTimeoutMixin:
    """http.client has one `timeout` for connect and reads: connect with the short one, then let
    every read (and write) wait up to the read timeout."""

    def connect(self) -> None:
        super().connect()  # bounded by the connect timeout (and the TLS handshake, for https)
        self.sock.settimeout(self.read_timeout)


class TimedHTTPConnection(ReadTimeoutMixin, http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None = None, *, timeouts: Timeouts) -> None:
        super().__init__(host, port, timeout=timeouts.connect)
        self.read_timeout = timeouts.read


class TimedHTTPSConnection(ReadTimeoutMixin, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None = None, *, timeouts: Timeouts, **kwargs) -> None:
        super().__init__(host, port, timeout=timeouts.connect, **kwargs)
        self.read_timeout = timeouts.read
