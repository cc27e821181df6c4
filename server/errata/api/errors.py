"""HTTP errors: a rate limit is a 429 with Retry-After, and a 405's `Allow` lists every method.

Every per-client limit raises `RateLimited`; one handler answers it, the same for every route.

Starlette answers a method no route of a path accepts with 405 and an `Allow` header naming
the methods of the first route it tried; a path served by several routes (GET and POST
/api/search) would advertise only one of them (RFC 9110 says list them all). The methods are
taken from the OpenAPI spec, the contract clients read; paths outside it keep Starlette's.
"""

from __future__ import annotations

import re
from functools import cache

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..rate_limits import RateLimited

_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PathMethods = tuple[tuple[str, tuple[str, ...]], ...]


@cache
def _patterns(paths: PathMethods) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    compiled = []
    for path, methods in paths:
        parts = re.split(r"(\{[^/}]+\})", path)
        regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        compiled.append((re.compile(regex), methods))
    return compiled


def allowed_methods(app: FastAPI, path: str) -> set[str]:
    """The methods the spec lists for a request path (HEAD goes with GET); empty if unlisted."""
    paths = tuple(
        (template, tuple(sorted(m.upper() for m in item if m in _METHODS)))
        for template, item in app.openapi().get("paths", {}).items()
    )
    methods: set[str] = set()
    for pattern, listed in _patterns(paths):
        if pattern.fullmatch(path):
            methods |= set(listed) | ({"HEAD"} if "GET" in listed else set())
    return methods


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        methods = allowed_methods(request.app, request.url.path)
        if methods:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(methods))}
    return await http_exception_handler(request, exc)


async def _rate_limited(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    return JSONResponse(
        {"detail": str(exc), "retry_after": exc.retry_after},
        status_code=429,
        headers={"Retry-After": str(exc.retry_after)},
    )


def install(app: FastAPI) -> None:
    """Use the handlers above for every HTTP error and rate limit (others as FastAPI does)."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RateLimited, _rate_limited)
