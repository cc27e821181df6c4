"""A shipped record's label names the runtime its snippet ran on, on every surface.

A JavaScript snippet's record says "(Node 26.x)", never a Python version; a Python
snippet's keeps "(Python 3.11...)".
"""

from __future__ import annotations

import json
import re

import pytest
from errata.cli import main
from errata.config import Settings
from errata.mcp_server import build_mcp
from errata.records import read_record
from fastapi.testclient import TestClient
from mcp import Client

ESM = "err-require-esm"
ESM_TRACE = (
    "Error [ERR_REQUIRE_ESM]: require() of ES Module /srv/api/node_modules/node-fetch/src/index.js "
    "from /srv/api/server.js not supported. Instead change the require of index.js in "
    "/srv/api/server.js to a dynamic import() which is available in all CommonJS modules."
)
SEED = "agent-holds-lock-too-long"
QUEUEPOOL = (
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
    "connection timed out, timeout 30.00"
)


def _record_label(settings: Settings, entry_id: str, slug: str) -> str:
    record = read_record(settings.entries_dir / entry_id)[slug]
    if record["python_version"]:
        runtime = f"Python {record['python_version']}"
    else:
        node = re.search(r"Node \S+", record["sandbox_version"])
        assert node is not None, record["sandbox_version"]
        runtime = node.group(0)
    return f"verified by errata's harness on {record['verified_at'][:10]} ({runtime})"


def _labels(results: list[dict[str, object]], entry_id: str) -> list[str]:
    result = next(r for r in results if r["id"] == entry_id)
    return [f["verification"]["label"] for f in result["fixes"]]  # type: ignore[index]


def test_the_javascript_record_names_node_over_rest_and_python_keeps_python(
    client: TestClient, settings: Settings
) -> None:
    brief = client.get("/api/search", params={"q": ESM_TRACE}).text
    esm = client.get("/api/search", params={"q": ESM_TRACE, "detail": "full"}).json()
    seed = client.get("/api/search", params={"q": QUEUEPOOL, "detail": "full"}).json()
    node_label = _record_label(settings, ESM, "import-esm-from-commonjs")
    assert re.search(r"\(Node 2\d\.\d+\.\d+\)$", node_label)
    assert _labels(esm["results"], ESM) == [node_label]
    assert node_label in brief and "(Python" not in brief
    assert _record_label(settings, SEED, "option-1") in _labels(seed["results"], SEED)
    assert all("(Python 3." in label for label in _labels(seed["results"], SEED))


@pytest.mark.anyio
async def test_the_javascript_record_names_node_over_mcp(
    client: TestClient, settings: Settings
) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]
    async with Client(build_mcp(services)) as mcp:
        brief = await mcp.call_tool("search_errors", {"query": ESM_TRACE})
        full = await mcp.call_tool("search_errors", {"query": ESM_TRACE, "detail": "full"})
        text = await mcp.call_tool("search_errors", {"query": ESM_TRACE, "format": "markdown"})
    label = _record_label(settings, ESM, "import-esm-from-commonjs")
    for result in (brief, text):  # a confident match: its recommended fix and its label
        body = " ".join(getattr(block, "text", "") for block in result.content)
        assert label in body and "(Python" not in body
    assert _labels(json.loads(full.content[0].text)["results"], ESM) == [label]  # type: ignore[union-attr]


def test_the_javascript_record_names_node_in_the_cli_and_the_entry_page(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("ERRATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(settings.entries_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["search", ESM_TRACE]) == 0
    printed = capsys.readouterr().out
    page = client.get(f"/entries/{ESM}").text
    assert _record_label(settings, ESM, "import-esm-from-commonjs") in printed
    assert "(Python" not in printed
    assert re.search(r"Node 2\d\.\d+\.\d+", page) and "on Python" not in page
