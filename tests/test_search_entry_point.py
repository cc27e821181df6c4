"""Every surface searches through one entry point: one validation, one set of messages."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import anyio
import pytest
from errata.app import create_app
from errata.cli import main as errata_main
from errata.config import REPO_ROOT, Settings, load_settings
from errata.mcp_server import build_mcp
from errata.search import SearchIndex, SearchUnavailable
from errata.services import Services
from errata.sync import prepare_database
from fastapi.testclient import TestClient
from mcp import Client

from .conftest import TEST_HOSTS

SEED = "agent-holds-lock-too-long"
LIMIT = 200
TOO_LONG = "RuntimeError: boom " * 20  # 380 characters
EXPECTED = "the query is 380 characters, over the limit of 200"


@pytest.fixture
def small_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    root = tmp_path / "entries"
    shutil.copytree(REPO_ROOT / "entries" / SEED, root / SEED)
    for name, value in {
        "ERRATA_DATA_DIR": str(tmp_path / "data"),
        "ERRATA_ENTRIES_DIR": str(root),
        "ERRATA_MAX_QUERY_CHARS": str(LIMIT),
        "ERRATA_VERIFY_ON_START": "false",
        "ERRATA_ALLOWED_HOSTS": ",".join(TEST_HOSTS),
    }.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def test_rest_web_mcp_and_cli_refuse_an_overlong_query_with_the_same_message(
    small_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with TestClient(create_app(small_settings)) as client:
        rest = client.post("/api/search", json={"query": TOO_LONG})
        web = client.get("/", params={"q": TOO_LONG})
    assert rest.status_code == 422 and EXPECTED in rest.json()["detail"]
    assert web.status_code == 400 and EXPECTED in html.unescape(web.text)

    database = prepare_database(small_settings)
    services = Services(small_settings, database, index=SearchIndex.build(database))

    async def call_tool() -> str:
        async with Client(build_mcp(services)) as mcp_client:
            result = await mcp_client.call_tool("search_errors", {"query": TOO_LONG})
        assert result.is_error
        return result.content[0].text  # type: ignore[union-attr]

    assert EXPECTED in anyio.run(call_tool)
    database.dispose()

    assert errata_main(["search", TOO_LONG]) == 2
    assert EXPECTED in capsys.readouterr().err


def test_a_process_without_an_index_says_it_is_not_ready(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", entries_dir=tmp_path / "none", allowed_hosts=TEST_HOSTS
    )
    services = Services(settings, prepare_database(settings))
    with pytest.raises(SearchUnavailable, match="not ready"):
        services.search("RuntimeError: boom")
    services.database.dispose()


def test_the_mcp_tool_turns_an_unready_index_into_a_tool_error(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", entries_dir=tmp_path / "none", allowed_hosts=TEST_HOSTS
    )
    services = Services(settings, prepare_database(settings))

    async def call_tool() -> None:
        async with Client(build_mcp(services)) as mcp_client:
            result = await mcp_client.call_tool("search_errors", {"query": "boom"})
        assert result.is_error and "not ready" in result.content[0].text  # type: ignore[union-attr]

    try:
        anyio.run(call_tool)
    finally:
        services.database.dispose()
