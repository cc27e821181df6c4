"""A timeout= on requests, urllib3, urllib or http.client is not a limit on the call: it bounds
the connect and EACH socket read. A server that trickles bytes, or a stream that keeps sending,
restarts the read timeout with every chunk and never trips it; DNS resolution (getaddrinfo)
is not covered by it at all. Put one deadline around the whole call, body included."""

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any


class DeadlineExceeded(TimeoutError):
    """The whole call (resolve, connect, headers and body) did not finish in time."""


def read_body_within(chunks: Iterable[bytes], give_up_at: float) -> bytes:
    """Read a streamed body until give_up_at (a time.monotonic() value).

    chunks: requests' r.iter_content(65536) with stream=True, urllib3's r.stream(65536), or
    http.client's iter(lambda: r.read1(65536), b""). Each chunk still waits at most the read
    timeout, so the read ends by give_up_at plus one read timeout at the latest."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if time.monotonic() > give_up_at:
            raise DeadlineExceeded(f"body not complete by the deadline ({len(body)} bytes read)")
    return bytes(body)


def call_with_deadline(fn: Callable[[], Any], deadline: float) -> Any:
    """Run fn() in a daemon thread and wait for it at most deadline seconds.

    This also bounds what no socket timeout reaches, such as a getaddrinfo call stuck on a
    dead resolver: the caller gets DeadlineExceeded on time, and the abandoned worker ends on
    its own (its reads are bounded by read_body_within and the read timeout)."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="deadline-worker", daemon=True).start()
    if not done.wait(deadline):
        raise DeadlineExceeded(f"call not finished after its {deadline}s deadline")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def get_with_deadline(
    session: Any,
    url: str,
    *,
    deadline: float = 30.0,
    timeout: tuple[float, float] = (3.05, 10.0),
    **kwargs: Any,
) -> tuple[int, bytes]:
    """A requests GET whose resolve, connect, headers and body all finish within deadline
    seconds: (status, body), or DeadlineExceeded. timeout stays (connect, read) for a
    server that goes silent; deadline is what a trickling server or a slow resolver meets."""
    give_up_at = time.monotonic() + deadline

    def fetch() -> tuple[int, bytes]:
        with session.get(url, timeout=timeout, stream=True, **kwargs) as response:
            return response.status_code, read_body_within(response.iter_content(65536), give_up_at)

    return call_with_deadline(fetch, deadline)


# The same bound in the other clients (each covers the body too when read inside it):
#   httpx:    with httpx.Client(timeout=httpx.Timeout(10, connect=3)) as client: the
#             timeouts are per operation too, so wrap as above, or in async code
#             async with asyncio.timeout(30): r = await client.get(url)
#   aiohttp:  aiohttp.ClientTimeout(total=30, sock_connect=3, sock_read=10), and read the
#             body (await r.read()) inside the same asyncio.timeout(30) block
#   asyncio:  async with asyncio.timeout(30): ...   (asyncio.wait_for before Python 3.11)
