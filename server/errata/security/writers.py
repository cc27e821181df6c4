"""Who is writing: the API key a REST or MCP HTTP request presents, or its address."""

from __future__ import annotations

from fastapi import HTTPException, Request

from ..services import Services
from ..writer_keys import PREFIX, KeyRefused, writer_client_key
from . import client_key

API_KEY_HEADER = "x-api-key"


def presented_key(request: Request) -> str | None:
    """The key in `X-API-Key`, or in `Authorization: Bearer errata_...` (other bearer values
    are the maintainer token's business)."""
    header = request.headers.get(API_KEY_HEADER, "").strip()
    if header:
        return header
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value.startswith(PREFIX) else None


def writer_key(request: Request, services: Services) -> str:
    """The client key of a REST write; 401 for a bad key, or no key when one is required."""
    try:
        return writer_client_key(services, presented_key(request), client_key(request))
    except KeyRefused as exc:
        raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from exc
