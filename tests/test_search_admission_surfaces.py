"""The search gate on every surface: REST 429/503 with Retry-After, an MCP tool error, a web
page message; the CLI is not limited; one client's burst never holds back another."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from errata.app import create_app
from errata.config import Settings
from errata.mcp_server import build_mcp
from errata.search.admission import SearchAdmission
from errata.services import Services
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mcp import Client

QUERY = "RuntimeError: dictionary changed size during iteration"  # one cause: confident
HEAVY_CHARS = 2_000
HEAVY_QUERY = (QUERY + "\n") * 60  # over HEAVY_CHARS, well under the query size limit
OTHER_CLIENT = ("203.0.113.9", 40_000)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """An app whose clients may search twice at once, with one heavy search at a time."""
    limits = {"search_rate_per_minute": 1, "search_burst": 2, "heavy_search_chars": HEAVY_CHARS}
    return create_app(dataclasses.replace(settings, **limits))


@pytest.fixture
def rest(app: FastAPI) -> Iterator[TestClient]:
    """The app with its lifespan running, seen from the address `testclient`."""
    with TestClient(app) as client:
        yield client


def _gate(app: FastAPI) -> SearchAdmission:
    services: Services = app.state.services
    assert services.admission is not None
    return services.admission


def test_a_rest_burst_is_refused_with_429_while_another_client_still_searches(
    app: FastAPI, rest: TestClient
) -> None:
    for _ in range(2):
        assert rest.post("/api/search", json={"query": QUERY}).status_code == 200
    refused = rest.get("/api/search", params={"q": QUERY})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "too many searches" in refused.json()["detail"]
    other = TestClient(app, client=OTHER_CLIENT)  # the same app and gate, another address
    assert other.post("/api/search", json={"query": QUERY}).status_code == 200


def test_a_heavy_rest_search_over_the_bound_is_503_and_a_small_one_does_not_wait(
    app: FastAPI, rest: TestClient
) -> None:
    with _gate(app).admit("someone-else", HEAVY_CHARS + 1):  # a heavy search is running
        busy = rest.post("/api/search", json={"query": HEAVY_QUERY})
        small = rest.post("/api/search", json={"query": QUERY})
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
    assert "long queries" in busy.json()["detail"]
    assert small.status_code == 200 and small.json()["status"] == "matched"
    assert rest.post("/api/search", json={"query": HEAVY_QUERY}).status_code == 200


def test_the_spec_documents_the_refusals(rest: TestClient) -> None:
    responses = rest.get("/openapi.json").json()["paths"]["/api/search"]["post"]["responses"]
    assert {"429", "503"} <= set(responses)


def test_the_web_search_page_says_why_with_the_status(rest: TestClient) -> None:
    for _ in range(2):
        assert rest.get("/", params={"q": QUERY}).status_code == 200
    refused = rest.get("/", params={"q": QUERY})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "too many searches" in refused.text


def _tool_text(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


@pytest.mark.anyio
async def test_an_mcp_burst_is_a_tool_error_while_a_rest_client_still_searches(
    app: FastAPI, rest: TestClient
) -> None:
    async with Client(build_mcp(app.state.services)) as mcp:  # stdio's key: one local client
        for _ in range(2):
            found = await mcp.call_tool("search_errors", {"query": QUERY})
            assert not found.is_error and json.loads(_tool_text(found))["status"] == "matched"
        refused = await mcp.call_tool("search_errors", {"query": QUERY})
    assert refused.is_error
    assert "too many searches" in _tool_text(refused) and "retry after" in _tool_text(refused)
    assert rest.post("/api/search", json={"query": QUERY}).status_code == 200


@pytest.mark.anyio
async def test_a_heavy_mcp_search_over_the_bound_is_a_tool_error(
    app: FastAPI, rest: TestClient
) -> None:
    async with Client(build_mcp(app.state.services)) as mcp:
        with _gate(app).admit("someone-else", HEAVY_CHARS + 1):
            busy = await mcp.call_tool("search_errors", {"query": HEAVY_QUERY})
    assert busy.is_error and "long queries" in _tool_text(busy)


def test_a_local_caller_searching_for_no_client_is_never_limited(app: FastAPI) -> None:
    with TestClient(app):
        services: Services = app.state.services
        for _ in range(10):
            assert services.search(QUERY).results
