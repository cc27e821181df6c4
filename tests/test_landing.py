"""`/mcp` in a browser: this server's recipes and one-click install links; MCP clients keep the
protocol at the same URL."""

from __future__ import annotations

import base64
import json
import tomllib
import urllib.parse
from collections.abc import Iterator

import pytest
from errata.app import create_app
from errata.config import Settings
from errata.web.landing import ROUTE, recipes
from fastapi.testclient import TestClient
from starlette.routing import Match
from starlette.types import Scope

BASE = "http://127.0.0.1:8000"
MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}


@pytest.fixture
def local(settings: Settings) -> Iterator[TestClient]:
    """The app as a client on this machine reaches it (an allowed MCP host)."""
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def test_a_browser_opening_mcp_gets_this_servers_recipes(local: TestClient) -> None:
    answer = local.get("/mcp", headers={"accept": "text/html,application/xhtml+xml"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert f"claude mcp add --transport http errata {BASE}/mcp" in page
    assert "cursor://anysphere.cursor-deeplink/mcp/install?name=errata&amp;config=" in page
    assert "vscode:mcp/install?" in page
    assert "~/.codex/config.toml" in page


def test_the_install_links_carry_this_servers_url() -> None:
    url = "https://errata.example.org/mcp"
    by_client = {r.client: r for r in recipes(url)}
    cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(by_client["Cursor"].install_link).query)
    assert json.loads(base64.b64decode(cursor["config"][0])) == {"url": url}
    vscode = by_client["VS Code"].install_link.removeprefix("vscode:mcp/install?")
    assert json.loads(urllib.parse.unquote(vscode)) == {
        "name": "errata",
        "type": "http",
        "url": url,
    }
    assert json.loads(by_client["Cursor"].text)["mcpServers"]["errata"]["url"] == url
    assert json.loads(by_client["VS Code"].text)["servers"]["errata"]["url"] == url
    assert tomllib.loads(by_client["Codex"].text)["mcp_servers"]["errata"]["url"] == url


def test_an_mcp_client_at_the_same_url_keeps_the_protocol(local: TestClient) -> None:
    answer = local.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
    assert answer.status_code == 200
    assert answer.json()["result"]["serverInfo"]["name"] == "errata"


def test_only_a_get_asking_for_html_is_taken_from_the_mcp_route() -> None:
    def scope(method: str, accept: str) -> Scope:
        headers = [(b"accept", accept.encode())]
        return {"type": "http", "path": "/mcp", "method": method, "headers": headers}

    assert ROUTE.matches(scope("GET", "text/html,*/*;q=0.8"))[0] is Match.FULL
    assert ROUTE.matches(scope("GET", "text/event-stream"))[0] is Match.NONE
    assert ROUTE.matches(scope("POST", "text/html"))[0] is not Match.FULL
