"""API keys for writers: issued and revoked with `errata keys`, stored hashed, sent over REST
and MCP HTTP; with anonymous writes off, a write without a key is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from errata import store
from errata.app import create_app
from errata.cli import main
from errata.config import REPO_ROOT, Settings
from errata.db import Database
from errata.sync import prepare_database
from errata.writer_keys import create_key, key_hash
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

from .conftest import TEST_HOSTS

SEED = "agent-holds-lock-too-long"


def submission(**changes: Any) -> dict[str, Any]:
    """A submission every check accepts."""
    data: dict[str, Any] = {
        "title": "Thread pool never shuts down at exit",
        "symptoms": ["process hangs at interpreter exit after the work is done"],
        "root_cause": "Worker threads are not daemon threads and nobody joins them.",
        "fixes": [
            {
                "title": "Use the executor as a context manager",
                "explanation": "`with` waits for the workers and shuts the pool down.",
                "code": "print('ok')\n",
            }
        ],
        "languages": ["python"],
        "source": "own experience",
    }
    data.update(changes)
    return data


@pytest.fixture
def key_settings(tmp_path: Path) -> Settings:
    """The seed entry alone, no sandbox, anonymous writes off."""
    root = tmp_path / "entries"
    shutil.copytree(REPO_ROOT / "entries" / SEED, root / SEED)
    return Settings(
        data_dir=tmp_path / "data",
        entries_dir=root,
        verify_on_start=False,
        sandbox="off",
        allowed_hosts=TEST_HOSTS,
        anonymous_writes=False,
    )


@pytest.fixture
def database(key_settings: Settings) -> Iterator[Database]:
    database = prepare_database(key_settings)
    yield database
    database.dispose()


def issue(database: Database, name: str = "ci-bot") -> str:
    return create_key(database, name)[1]


def outcome_url() -> str:
    return f"/api/entries/{SEED}/outcomes"


def first_fix(client: TestClient) -> str:
    return str(client.get(f"/api/entries/{SEED}").json()["fixes"][0]["id"])


def test_keys_are_created_listed_and_revoked_from_the_cli_and_stored_hashed(
    key_settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ERRATA_DATA_DIR", str(key_settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(key_settings.entries_dir))
    assert main(["keys", "create", "ci-bot"]) == 0
    key = capsys.readouterr().out.splitlines()[0]
    assert key.startswith("errata_") and len(key) > 40
    with database.read() as session:
        (row,) = store.list_keys(session=session)
    assert row.name == "ci-bot" and row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert main(["keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert "ci-bot" in listed and "active" in listed and key not in listed
    assert main(["keys", "revoke", str(row.id)]) == 0
    assert main(["keys", "revoke", str(row.id)]) == 1  # already revoked
    assert main(["keys", "list"]) == 0
    assert "revoked" in capsys.readouterr().out


def test_with_anonymous_writes_off_rest_writes_need_a_key(
    key_settings: Settings, database: Database
) -> None:
    key = issue(database)
    with TestClient(create_app(key_settings)) as client:
        anonymous = client.post("/api/submissions", json=submission())
        assert anonymous.status_code == 401 and "API key" in anonymous.json()["detail"]
        report = {"fix_id": first_fix(client), "outcome": "worked"}
        assert client.post(outcome_url(), json=report).status_code == 401
        bearer = {"Authorization": f"Bearer {key}"}
        assert client.post("/api/submissions", json=submission(), headers=bearer).status_code == 202
        answer = client.post(outcome_url(), json=report, headers={"X-API-Key": key})
        assert answer.status_code == 201
        assert client.get("/api/search", params={"q": "anything at all"}).status_code == 200


def test_a_revoked_or_unknown_key_is_refused_even_when_anonymous_writes_are_on(
    key_settings: Settings, database: Database
) -> None:
    key = issue(database)
    with database.write() as session:
        store.revoke_key(session=session, key_id=1)
    with TestClient(create_app(key_settings.with_changes(anonymous_writes=True))) as client:
        report = {"fix_id": first_fix(client), "outcome": "worked"}
        assert client.post(outcome_url(), json=report).status_code == 201  # anonymous: fine
        for headers in ({"X-API-Key": key}, {"Authorization": "Bearer errata_made_up"}):
            refused = client.post(outcome_url(), json=report, headers=headers)
            assert refused.status_code == 401
            assert "unknown or revoked API key" in refused.json()["detail"]


def test_the_web_form_is_refused_when_anonymous_writes_are_off(key_settings: Settings) -> None:
    with TestClient(create_app(key_settings), base_url="http://127.0.0.1") as client:
        page = client.get("/submit").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        answer = client.post("/submit", data={"csrf_token": token, "title": "x"})
    assert answer.status_code == 401 and "API key" in answer.text


def test_a_keyed_client_counts_double_toward_the_outcome_floor(database: Database) -> None:
    keyed = f"{store.KEYED_CLIENT}1"
    with database.write() as session:
        for client in (keyed, "anonymous-address"):
            store.add_outcome(
                session=session,
                entry_id=SEED,
                fix_slug="f",
                outcome="did_not_work",
                client_key=client,
            )
    with database.read() as session:
        assert store.outcome_scores(session=session, min_clients=3) == {SEED: -1.0}
        assert store.outcome_scores(session=session, min_clients=4) == {}


# --- MCP over streamable HTTP: the key travels as a header on the /mcp request ---------------


class _Served:
    """The whole app on a real uvicorn, on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/mcp"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


async def call(url: str, headers: dict[str, str], tool: str, args: dict[str, Any]) -> Any:
    """Call one tool over streamable HTTP with the given request headers."""
    async with (
        create_mcp_http_client(headers=headers) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        return await client.call_tool(tool, args)


@pytest.mark.anyio
async def test_mcp_writes_over_http_need_the_key_header_when_anonymous_writes_are_off(
    key_settings: Settings, database: Database
) -> None:
    key = issue(database)
    with database.read() as session:
        entry = store.get_entry(session=session, entry_id=SEED)
    assert entry is not None
    report = {"entry_id": SEED, "fix_id": entry.fixes[0].id, "outcome": "worked"}
    with _Served(key_settings) as url:
        anonymous = await call(url, {}, "report_outcome", report)
        keyed = await call(url, {"X-API-Key": key}, "report_outcome", report)
        bearer = await call(
            url, {"Authorization": f"Bearer {key}"}, "submit_entry", {"submission": submission()}
        )
        wrong = await call(
            url, {"X-API-Key": "errata_wrong"}, "submit_entry", {"submission": submission()}
        )
    assert anonymous.is_error and "API key" in anonymous.content[0].text
    assert not keyed.is_error
    assert json.loads(keyed.content[0].text)["counts"] == {"worked": 1}
    assert not bearer.is_error
    assert wrong.is_error and "unknown or revoked API key" in wrong.content[0].text
    with database.read() as session:
        (stored,) = store.outcome_clients(session=session)
    assert stored[4] == 1  # one client: the key


def test_keys_and_weighted_outcome_scores_work_on_postgresql(
    key_settings: Settings, postgres_url: str
) -> None:
    database = prepare_database(key_settings.with_changes(database_url=postgres_url))
    try:
        key = issue(database)
        with database.write() as session:
            assert store.active_key(session=session, key_hash=key_hash(key)) is not None
            for client, outcome in [("a", "worked"), ("a", "did_not_work"), ("key:1", "worked")]:
                store.add_outcome(
                    session=session, entry_id=SEED, fix_slug="f", outcome=outcome, client_key=client
                )
            assert store.revoke_key(session=session, key_id=1)
        with database.read() as session:
            assert store.active_key(session=session, key_hash=key_hash(key)) is None
            # a's latest (did_not_work, weight 1) and the key's worked (weight 2): (2 - 1) / 3
            assert store.outcome_scores(session=session) == {SEED: pytest.approx(1 / 3)}
        with database.write() as session:
            assert store.delete_outcomes(session=session, entry_id=SEED, fix_slug="f") == 3
    finally:
        database.dispose()
