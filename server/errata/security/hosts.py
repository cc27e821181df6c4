"""Host checks on every route, and the base URL errata advertises.

A request whose `Host` header is not in `ERRATA_ALLOWED_HOSTS` is refused with 421 on every
route (not only `/mcp`), which stops DNS-rebinding pages and keeps hostile `Host` values out
of the URLs errata builds. Patterns are `host:port`, `host:*` (any port, or none) or `host`.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..config import Settings


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """True when the `Host` header value matches one of the allowed patterns."""
    host = host.lower()
    for pattern in (p.lower() for p in allowed):
        base = pattern[:-2] if pattern.endswith(":*") else None
        if host in (pattern, base):
            return True
        if base is not None and host.startswith(base + ":") and host[len(base) + 1 :].isdigit():
            return True
    return False


async def _misdirected(send: Send) -> None:
    body = b'{"detail":"this server does not answer for that Host (see ERRATA_ALLOWED_HOSTS)"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 421, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class HostCheckMiddleware:
    """Answer 421 to an HTTP request whose Host is not allowed."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if not host_allowed(host, self.allowed):
                await _misdirected(send)
                return
        await self.app(scope, receive, send)


def public_base(request: Request, settings: Settings) -> str:
    """The base URL to advertise: ERRATA_PUBLIC_URL, else the request's own allow-listed
    host, else the address errata listens on (never an arbitrary Host header)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if host_allowed(request.headers.get("host", ""), settings.allowed_hosts):
        return str(request.base_url).rstrip("/")
    return f"http://{settings.host}:{settings.port}"
