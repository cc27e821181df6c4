"""Web safety: body size limit, security headers (CSP), CSRF tokens, maintainer auth.

- Bodies over `settings.max_body_bytes` are refused with 413 before they are read: by
  Content-Length at once, and by counting bytes as they arrive when the body is chunked.
- HTML pages get a strict Content-Security-Policy: scripts and styles from /static only.
- Forms carry a signed CSRF token bound to a SameSite cookie (double submit); a POST whose
  token is missing or does not match is refused with 403.
- Moderation needs the maintainer token: `Authorization: Bearer <token>` over REST, or a
  per-sign-in session cookie (see `sessions`) plus a CSRF token on every write.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..services import Services
from . import sessions
from .hosts import HostCheckMiddleware

log = logging.getLogger("errata.security")

CSRF_COOKIE = "errata_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAINTAINER_COOKIE = "errata_maintainer"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# FastAPI's own API docs load their viewer from a CDN with inline script; they keep their own.
_NO_CSP_PREFIXES = ("/docs", "/redoc")


class BodyTooLarge(HTTPException):
    """A request body grew past the limit while it was being received."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes", {"Connection": "close"})


def _too_large_response(limit: int) -> Response:
    return Response(
        f'{{"detail":"request body larger than {limit} bytes"}}',
        status_code=413,
        media_type="application/json",
        headers={"Connection": "close"},
    )


class BodyLimitMiddleware:
    """Refuse request bodies over the path's limit without reading them (413).

    `/mcp` gets a larger limit of its own, so an oversized tool argument reaches the tool and
    comes back as an MCP tool error the client can show, not as a broken connection.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, mcp_max_bytes: int) -> None:
        self.app, self.default_max, self.mcp_max = app, max_bytes, max(max_bytes, mcp_max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.mcp_max if path == "/mcp" or path.startswith("/mcp/") else self.default_max
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large_response(limit)(scope, receive, send)
            return
        received, started = 0, False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _too_large_response(limit)(scope, receive, send)


class SecurityHeadersMiddleware:
    """Add a strict CSP to HTML pages and the usual hardening headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and not path.startswith(_NO_CSP_PREFIXES):
                    headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a lone surrogate echoed back stays valid."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


async def validation_error(_request: Request, exc: Exception) -> Response:
    """FastAPI's 422, rendered so that undecodable input (lone surrogates) cannot make a 500."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return AsciiJSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def maintainer_token(services: Services) -> str:
    """The token moderation needs (generated at start in development when none is set)."""
    return services.maintainer_token


def _key(services: Services, purpose: str) -> bytes:
    return hashlib.sha256(f"errata:{purpose}:{maintainer_token(services)}".encode()).digest()


def _sign(services: Services, purpose: str, value: str) -> str:
    return hmac.new(_key(services, purpose), value.encode(), hashlib.sha256).hexdigest()[:32]


def install(app: FastAPI, services: Services) -> None:
    """Add the middleware and settle the maintainer token (called once by `create_app`)."""
    settings = services.settings
    token = settings.maintainer_token
    if not token:
        token = secrets.token_urlsafe(24)
        log.warning("no ERRATA_MAINTAINER_TOKEN set; this process's maintainer token: %s", token)
    services.maintainer_token = token
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HostCheckMiddleware, allowed=settings.allowed_hosts)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        mcp_max_bytes=settings.max_mcp_body_bytes,
    )


def csrf_token(request: Request, services: Services) -> tuple[str, str | None]:
    """The CSRF token for a form, and a new cookie nonce to set when the client has none."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    fresh = None
    if not nonce or len(nonce) > 64:
        nonce = fresh = secrets.token_urlsafe(16)
    return f"{nonce}.{_sign(services, 'csrf', nonce)}", fresh


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """Set an HttpOnly, SameSite=Strict cookie (Secure when the request came over HTTPS)."""
    secure = request.url.scheme == "https"
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/", secure=secure)


def set_csrf_cookie(request: Request, response: Response, nonce: str | None) -> None:
    """Set the CSRF cookie when `csrf_token` made a new one."""
    if nonce:
        set_cookie(request, response, CSRF_COOKIE, nonce)


def check_csrf(request: Request, services: Services, token: str | None) -> None:
    """Refuse (403) a form POST whose CSRF token is missing, forged or not this client's."""
    nonce, _, signature = (token or "").partition(".")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    valid = (
        bool(nonce)
        and hmac.compare_digest(signature, _sign(services, "csrf", nonce))
        and hmac.compare_digest(nonce, cookie)
    )
    if not valid:
        raise HTTPException(403, "missing or invalid CSRF token: reload the form and try again")


def token_matches(services: Services, candidate: str | None) -> bool:
    """True when `candidate` is the maintainer token."""
    return bool(candidate) and hmac.compare_digest(
        (candidate or "").encode(), maintainer_token(services).encode()
    )


def maintainer_auth(request: Request, services: Services) -> str | None:
    """How a request is a maintainer's: "bearer", "cookie" (a live session) or None.

    A wrong Bearer token counts as a guess; too many from one client are refused (429)
    before the token is even compared."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        ok = token_matches(services, header[7:].strip())
        sessions.check_guess(services, client_key(request), ok)
        if ok:
            return "bearer"
    cookie = request.cookies.get(MAINTAINER_COOKIE, "")
    return "cookie" if sessions.session_valid(services, cookie) else None


def is_maintainer(request: Request, services: Services) -> bool:
    """True for a request with the maintainer token (header) or a live maintainer session."""
    return maintainer_auth(request, services) is not None


def require_maintainer(request: Request, services: Services, *, csrf_checked: bool) -> None:
    """Refuse (401) a moderation request without the maintainer token or session, and (403)
    a session-authenticated one without a CSRF token (`X-CSRF-Token` over REST) unless
    the caller already checked the form's."""
    auth = maintainer_auth(request, services)
    if auth is None:
        raise HTTPException(
            401,
            "moderation needs the maintainer token: Authorization: Bearer <token>",
            {"WWW-Authenticate": "Bearer"},
        )
    if auth == "cookie" and not csrf_checked:
        check_csrf(request, services, request.headers.get(CSRF_HEADER))


def client_address(request: Request, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the nearest
    address in X-Forwarded-For that is not itself a trusted proxy (a header from anyone
    else is ignored, so a client cannot choose its own address)."""
    address = request.client.host if request.client is not None else "unknown"
    if address not in trusted_proxies:
        return address
    forwarded = request.headers.get("x-forwarded-for", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if hop not in trusted_proxies:
            return hop
    return address


def client_key(request: Request) -> str:
    """A short, stable, non-reversible key for the client's address (for rate limits)."""
    services: Services = request.app.state.services
    host = client_address(request, services.settings.trusted_proxies)
    return hashlib.sha256(host.encode()).hexdigest()[:16]
