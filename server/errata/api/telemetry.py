"""Structured request logs: one JSON line per request, with a request id.

Each HTTP request gets an id (the client's `X-Request-ID` when it is short and plain, else a
fresh one), returned in the `X-Request-ID` response header and written in one JSON line on
the `errata.requests` logger: method, route template (never the raw path or query string, so
no query text reaches the log), MCP tool when there is one, status and duration. The same
middleware feeds the request metrics (server/observe/metrics.py).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..observe import metrics

log = logging.getLogger("errata.requests")
REQUEST_ID_HEADER = "x-request-id"
_PLAIN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TOOL_CALL = re.compile(rb'"method"\s*:\s*"tools/call"')
_TOOL_NAME = re.compile(rb'"name"\s*:\s*"([A-Za-z0-9_]{1,40})"')
MCP_TOOLS = frozenset(
    {"search_errors", "get_entry", "report_outcome", "verification_status", "submit_entry"}
)


def request_id_of(scope: Scope) -> str:
    """The client's request id when it is plain and short, else a fresh one."""
    given = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.encode(), b"")
    text = given.decode("latin-1")
    return text if _PLAIN_ID.match(text) else uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The route template that served this request ("/api/entries/{entry_id}"), or "other".

    The router leaves the matched route in the scope; its template may lack the prefix of
    the router it was included with, so the prefix is the part of the path before the
    template matches. A template, unlike the raw path, holds none of the client's values.
    """
    route = scope.get("route")
    template, regex = getattr(route, "path", None), getattr(route, "path_regex", None)
    path = str(scope.get("path", ""))
    if isinstance(template, str) and regex is not None:
        for i, char in enumerate(path):
            if char == "/" and regex.fullmatch(path[i:]):
                return path[:i] + template
    return "/mcp" if path in ("/mcp", "/mcp/") else "other"


def mcp_tool_of(body: bytes) -> str:
    """The errata tool a JSON-RPC `tools/call` body names (first 64 KiB), else ""."""
    head = body[:65_536]
    if not _TOOL_CALL.search(head):
        return ""
    match = _TOOL_NAME.search(head)
    name = match.group(1).decode() if match else ""
    return name if name in MCP_TOOLS else "unknown"


def log_line(fields: dict[str, Any]) -> str:
    """One request as a JSON line."""
    return json.dumps(fields, separators=(",", ":"), sort_keys=True)


class RequestLogMiddleware:
    """Give every HTTP request an id, log it as one JSON line and count it in the metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id, started, status = request_id_of(scope), time.perf_counter(), 500
        scope.setdefault("state", {})["request_id"] = request_id
        tool: list[str] = []

        async def peeking_receive() -> Message:
            message = await receive()
            if not tool and message["type"] == "http.request":
                tool.append(mcp_tool_of(message.get("body", b"")))
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        is_mcp = scope.get("path", "") in ("/mcp", "/mcp/")
        try:
            await self.app(scope, peeking_receive if is_mcp else receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            self._finish(scope, request_id, status, seconds, route, tool[0] if tool else "")

    @staticmethod
    def _finish(
        scope: Scope, request_id: str, status: int, seconds: float, route: str, tool: str
    ) -> None:
        metrics.observe_request(route, scope.get("method", ""), status, seconds)
        if tool:
            metrics.observe_tool(tool, status, seconds)
        fields = {
            "event": "request",
            "request_id": request_id,
            "method": scope.get("method", ""),
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        }
        if tool:
            fields["mcp_tool"] = tool
        log.info(log_line(fields))
