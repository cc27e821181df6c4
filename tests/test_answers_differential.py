"""A differential when entries share a message: the candidate causes, and for each the one
observation that confirms it, on every surface, brief and full."""

from __future__ import annotations

import json
from typing import Any

import pytest
from errata.answers import as_text, brief_answer, full_answer
from errata.app import create_app
from errata.cli import main
from errata.config import Settings
from errata.entry_files import parse_entries
from errata.mcp_server import build_mcp
from errata.services import Services
from fastapi.testclient import TestClient
from mcp import Client

from .conftest import REPO_ENTRIES
from .test_answers import SEED, seeded_services

LEAK = "db-connection-leak-pool-exhausted"
ONE_CAUSE = "Single slow LLM call inside a locked section blocks all other workers for 60 seconds"


services = pytest.fixture(seeded_services, name="services")


QUEUEPOOL_TRACE = """\
Traceback (most recent call last):
  File "/srv/agents/db.py", line 19, in fetch_from_database
    async with session_factory() as session:
  File "/srv/.venv/lib/python3.11/site-packages/sqlalchemy/pool/impl.py", line 168, in _do_get
    raise exc.TimeoutError(
sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed \
out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)
"""


def _confirmations() -> dict[str, str]:
    """Per entry, the clause of its `distinguish` marked as about itself, without the marker:
    the observation a differential shows (the other clauses point to other entries)."""
    return {d.id: _own_clause(d.distinguish) for d in parse_entries(REPO_ENTRIES) if d.distinguish}


def _own_clause(distinguish: str) -> str:
    clauses = distinguish.split(";")
    clause = next((c for c in clauses if "(here)" in c or "-> here" in c), clauses[0])
    return clause.strip().replace(" (here)", "").replace(" -> here", "")


def _assert_differential(answer: dict[str, Any]) -> None:
    confirm = _confirmations()
    candidates = {c["entry"]: c for c in answer["differential"]}
    assert set(candidates) >= {SEED, LEAK}, answer["differential"]
    titles = {r["id"]: r["title"] for r in answer["results"]}
    for entry_id in (SEED, LEAK):
        assert candidates[entry_id]["confirm"] == confirm[entry_id]
        others = set(candidates) - {entry_id}
        assert not any(o in candidates[entry_id]["confirm"] for o in others), "only its own clause"
        assert titles[entry_id], "a candidate's title is read from its result line"


def test_a_queuepool_trace_gets_a_differential_between_hold_time_and_leak(
    services: Services,
) -> None:
    response = services.search(QUEUEPOOL_TRACE, limit=5)
    for shaped in (brief_answer(response, QUEUEPOOL_TRACE), full_answer(response, QUEUEPOOL_TRACE)):
        _assert_differential(json.loads(as_text(shaped)))
        markdown = as_text(shaped, "markdown")
        assert "Differential: the message fits several causes" in markdown
        assert f"- `{LEAK}` " in markdown


def test_a_brief_no_match_lists_the_closest_results_and_each_candidate_once(
    services: Services,
) -> None:
    response = services.search(QUEUEPOOL_TRACE, limit=5)
    answer = json.loads(as_text(brief_answer(response, QUEUEPOOL_TRACE)))
    assert answer["status"] == "no_match" and len(response.results) == 5
    ranked = [r.id for r in response.results]
    candidates = [c["entry"] for c in answer["differential"]]
    shown = [r["id"] for r in answer["results"]]
    assert shown == [i for i in ranked if i in ranked[:3] or i in candidates], "ranked order"
    assert len(candidates) == len(set(candidates)) and "title" not in answer["differential"][0]
    assert len(as_text(brief_answer(response, QUEUEPOOL_TRACE))) <= 1_200


def test_a_trace_that_fits_one_cause_gets_no_differential(services: Services) -> None:
    answer = brief_answer(services.search(ONE_CAUSE, limit=5), ONE_CAUSE)
    assert answer.status == "matched" and answer.differential == []
    assert "Differential" not in as_text(answer, "markdown")


@pytest.mark.anyio
async def test_mcp_and_rest_carry_the_differential_brief_and_full(services: Services) -> None:
    async with Client(build_mcp(services)) as client:
        for detail in ("brief", "full"):
            args = {"query": QUEUEPOOL_TRACE, "detail": detail}
            result = await client.call_tool("search_errors", args)
            _assert_differential(json.loads(result.content[0].text))  # type: ignore[union-attr]
    with TestClient(create_app(services.settings)) as rest:
        for detail in ("brief", "full"):
            body = {"query": QUEUEPOOL_TRACE, "detail": detail}
            _assert_differential(rest.post("/api/search", json=body).json())


def test_the_cli_prints_the_differential(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ERRATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(settings.entries_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["search", QUEUEPOOL_TRACE]) == 0
    out = capsys.readouterr().out
    assert "Differential: the message fits several causes" in out
    assert _confirmations()[LEAK] in out
    assert main(["search", QUEUEPOOL_TRACE, "--json", "--detail", "full"]) == 0
    _assert_differential(json.loads(capsys.readouterr().out))
