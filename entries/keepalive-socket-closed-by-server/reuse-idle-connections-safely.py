"""Keep-alive without stale connections: never reuse an HTTP connection that has been idle longer
than the server (or the load balancer, NAT or proxy in front of it) keeps idle connections, and
send an idempotent request once more, on a new connection, when a reused one turns out closed.

WRONG: one kept-alive connection (a long-lived requests.Session, a cached http.client connection)
reused after a quiet period longer than the server's keep-alive timeout:
    http.client.RemoteDisconnected: Remote end closed connection without response
    requests.exceptions.ConnectionError: ('Connection aborted.', RemoteDisconnected(...))
    urllib3.exceptions.ProtocolError: ('Connection aborted.', ConnectionResetError(104, ...))
The request never reached a live server, and the same request on a new connection succeeds.
"""

import http.client
import time
from collections.abc import Callable

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# What a request written on a connection the server already closed raises.
STALE = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
)


class KeepAliveClient:
    """One keep-alive connection to one host, dropped before the server would drop it."""

    def __init__(
        self,
        connect: Callable[[], http.client.HTTPConnection],
        max_idle: float,  # below the shortest idle timeout on the way (Node 5 s, ALB 60 s)
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connect, self.max_idle, self._clock = connect, max_idle, clock
        self._conn: http.client.HTTPConnection | None = None
        self._idle_since = 0.0
        self.expired = 0  # idle connections closed here before reuse
        self.retried = 0  # requests sent again after a reused connection was found closed

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> tuple[int, bytes]:
        """Status and body; retries once only if the connection was reused and the request is
        idempotent (pass idempotent=True for a POST carrying an idempotency key)."""
        safe = method.upper() in IDEMPOTENT if idempotent is None else idempotent
        reused = self._checkout()
        try:
            return self._send(method, path, body, headers)
        except STALE:
            self.close()
            if not (reused and safe):
                raise
        self.retried += 1
        self._checkout()
        return self._send(method, path, body, headers)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _checkout(self) -> bool:
        """Open or keep the connection; True when an idle kept-alive one is reused."""
        if self._conn is not None and self._clock() - self._idle_since >= self.max_idle:
            self.close()
            self.expired += 1
        if self._conn is None:
            self._conn = self._connect()
            return False
        return True

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None
    ) -> tuple[int, bytes]:
        assert self._conn is not None
        self._conn.request(method, path, body=body, headers=headers or {})
        response = self._conn.getresponse()
        data = response.read()
        if response.will_close:
            self.close()
        self._idle_since = self._clock()
        return response.status, data


# With requests/urllib3 (no idle timeout for pooled connections): retry reads of idempotent
# requests once, so a stale pooled connection is replaced instead of failing the call:
#   from requests.adapters import HTTPAdapter
#   from urllib3.util import Retry
#   session.mount("https://", HTTPAdapter(max_retries=Retry(total=2, connect=1, read=1,
#                 allowed_methods=Retry.DEFAULT_ALLOWED_METHODS, backoff_factor=0)))
