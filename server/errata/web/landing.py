"""`/mcp` for people: a browser that opens the MCP endpoint gets this server's install recipes.

MCP clients keep the protocol: the page's route matches only a GET whose Accept header asks
for HTML (a browser), so streamable HTTP's POSTs and event-stream GETs go on to the MCP route.
The one-click links follow Cursor's (https://cursor.com/docs/mcp/install-links) and VS Code's
(`vscode:mcp/install?{json}`) install link formats.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import Headers
from starlette.routing import Match, Route
from starlette.types import Scope

from ..api.deps import get_services


@dataclass(frozen=True)
class Recipe:
    """How one client adds this server: where it goes and what to write there."""

    client: str
    where: str
    text: str
    install_link: str = ""


def recipes(url: str) -> list[Recipe]:
    """Every client's recipe for the MCP endpoint at `url` (streamable HTTP)."""
    cursor = json.dumps({"url": url}, separators=(",", ":")).encode("utf-8")
    vscode = json.dumps({"name": "errata", "type": "http", "url": url}, separators=(",", ":"))
    return [
        Recipe("Claude Code", "a terminal", f"claude mcp add --transport http errata {url}"),
        Recipe(
            "Cursor",
            ".cursor/mcp.json",
            json.dumps({"mcpServers": {"errata": {"url": url}}}, indent=2),
            "cursor://anysphere.cursor-deeplink/mcp/install?name=errata&config="
            + urllib.parse.quote(base64.b64encode(cursor).decode("ascii")),
        ),
        Recipe(
            "VS Code",
            ".vscode/mcp.json",
            json.dumps({"servers": {"errata": {"type": "http", "url": url}}}, indent=2),
            "vscode:mcp/install?" + urllib.parse.quote(vscode, safe=""),
        ),
        Recipe("Codex", "~/.codex/config.toml", f'[mcp_servers.errata]\nurl = "{url}"'),
    ]


class BrowserRoute(Route):
    """A GET route that matches only when the client asks for HTML (a browser, not MCP)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.FULL and "text/html" not in Headers(scope=scope).get("accept", ""):
            return Match.NONE, {}
        return match, child


def landing(request: Request) -> Response:
    """The page: this server's MCP URL, each client's recipe and the one-click links."""
    from .pages import page  # the page helper (CSRF, templates) lives with the other pages

    services = get_services(request)
    base = (services.settings.public_url or str(request.base_url)).rstrip("/")
    url = f"{base}/mcp"
    return page(request, "mcp.html", {"url": url, "recipes": recipes(url)})


ROUTE = BrowserRoute("/mcp", landing, methods=["GET"], include_in_schema=False)
