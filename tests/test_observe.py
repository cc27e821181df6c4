"""Operating errata: request ids in headers and JSON logs, and the Prometheus `/metrics` page."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from errata import store
from errata.api.telemetry import mcp_tool_of
from errata.app import create_app
from errata.config import Settings
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from .test_moderation import valid
from .web_entries import copy_finished_entries

TOKEN = "maintainer-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECRET_QUERY = "zzqx frobnicator quux exploded with sk-live-abcdef0123456789"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """The repository's finished entries only (fast to load)."""
    return copy_finished_entries(tmp_path / "entries")


@pytest.fixture
def ops(settings: Settings) -> Iterator[TestClient]:
    """An app with the sandbox off and a known maintainer token."""
    app = create_app(settings.with_changes(sandbox="off", maintainer_token=TOKEN))
    with TestClient(app) as client:
        yield client


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of `/metrics`, parsed by prometheus_client's own parser."""
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            labels = frozenset((k, v) for k, v in s.labels.items() if k != "process")
            found[(s.name, labels)] = s.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    """The sum of the samples of one name whose labels include the given ones."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in found.items() if n == name and wanted <= ls)


def test_a_request_id_is_returned_and_logged_without_the_query(
    ops: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="errata.requests"):
        response = ops.post("/api/search", json={"query": SECRET_QUERY})
    request_id = response.headers["X-Request-ID"]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "errata.requests"]
    line = next(item for item in lines if item["request_id"] == request_id)
    assert line["route"] == "/api/search" and line["status"] == 200
    assert line["duration_ms"] >= 0
    assert "frobnicator" not in caplog.text and "sk-live" not in caplog.text


def test_a_plain_client_request_id_is_kept(ops: TestClient) -> None:
    response = ops.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    odd = ops.get("/api/health", headers={"X-Request-ID": "no spaces\tplease"})
    assert odd.headers["X-Request-ID"] != "no spaces\tplease"


def test_metrics_need_loopback_or_the_token_by_default(ops: TestClient) -> None:
    assert ops.get("/metrics").status_code == 403  # TestClient's host is "testclient"
    assert ops.get("/metrics", headers=AUTH).status_code == 200


def test_metrics_can_be_turned_off(settings: Settings) -> None:
    app = create_app(settings.with_changes(metrics="off", maintainer_token=TOKEN))
    with TestClient(app) as client:
        assert client.get("/metrics", headers=AUTH).status_code == 404


def test_metrics_move_after_a_search_a_submission_and_a_verification_run(
    ops: TestClient,
) -> None:
    before = samples(ops)
    ops.post("/api/search", json={"query": SECRET_QUERY})
    assert ops.post("/api/submissions", json=valid()).status_code in (201, 202)
    services = ops.app.state.services  # type: ignore[attr-defined]
    with services.database.write() as session:
        store.record_run(
            session=session, snippet_slug="s", code_hash="h", status="passed", duration_ms=250.0
        )
    after = samples(ops)
    search = {"status": "no_match", "kind": "sentence"}
    assert value(after, "errata_searches_total", **search) == (
        value(before, "errata_searches_total", **search) + 1
    )
    route = {"route": "/api/search", "method": "POST"}
    assert value(after, "errata_http_requests_total", **route) > value(
        before, "errata_http_requests_total", **route
    )
    assert value(after, "errata_http_request_duration_seconds_count", **route) > value(
        before, "errata_http_request_duration_seconds_count", **route
    )
    assert value(after, "errata_submissions") == value(before, "errata_submissions") + 1
    assert (
        value(after, "errata_verification_runs", status="passed")
        == value(before, "errata_verification_runs", status="passed") + 1
    )
    assert value(after, "errata_index_entries") >= 1
    assert value(after, "errata_index_revision") >= 1


def test_rate_limit_refusals_are_counted(ops: TestClient) -> None:
    before = value(samples(ops), "errata_rate_limit_refusals_total", action="submit")
    codes = [
        ops.post("/api/submissions", json=valid(title=f"t {n} x")).status_code for n in range(8)
    ]
    assert 429 in codes
    after = value(samples(ops), "errata_rate_limit_refusals_total", action="submit")
    assert after == before + codes.count(429)


def test_an_mcp_tool_call_is_named_from_its_json_rpc_body() -> None:
    body = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_errors"}}'
    assert mcp_tool_of(body) == "search_errors"
    assert mcp_tool_of(b'{"method":"tools/call","params":{"name":"evil\\u0000"}}') == "unknown"
    assert mcp_tool_of(b'{"method":"initialize"}') == ""


def test_an_mcp_tool_call_is_counted_per_tool(settings: Settings) -> None:
    changed = settings.with_changes(
        sandbox="off", maintainer_token=TOKEN, allowed_hosts=("testserver", "testserver:*")
    )
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "search_errors", "arguments": {"query": SECRET_QUERY}},
    }
    headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }
    with TestClient(create_app(changed)) as client:
        before = value(samples(client), "errata_mcp_tool_calls_total", tool="search_errors")
        assert client.post("/mcp", json=call, headers=headers).status_code == 200
        after = samples(client)
    assert value(after, "errata_mcp_tool_calls_total", tool="search_errors") == before + 1
    assert value(after, "errata_mcp_tool_duration_seconds_count", tool="search_errors") >= 1
