"""Answers shaped for agents: labels that describe the code shown, languages, next steps."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from errata import store
from errata.answers import as_text, brief_answer, full_answer
from errata.app import create_app
from errata.config import Settings
from errata.mcp_server import build_mcp
from errata.mcp_server.budget import DEFAULT_MAX_CHARS
from errata.search import SearchIndex
from errata.search.engine import CORRECTION_LABEL
from errata.search.language import detect_language
from errata.services import Services
from errata.sync import prepare_database
from fastapi.testclient import TestClient
from mcp import Client

SEED = "agent-holds-lock-too-long"
CORRECTED = ("per-key-locking", "work-queue", "read-write-lock")  # the seed's fixes 3, 4, 5
POOL = "psycopg2.pool.PoolError: connection pool exhausted"
# the pool message alone has several causes (not confident); this one names the cause
HELD = "Single slow LLM call inside a locked section blocks all other workers for 60 seconds"
GO_DEADLOCK = """fatal error: all goroutines are asleep - deadlock!

goroutine 1 [chan receive]:
main.main()
\t/home/dev/app/main.go:14 +0x3c
exit status 2
"""
NODE_EADDRINUSE = """node:events:497
      throw er; // Unhandled 'error' event
      ^

Error: listen EADDRINUSE: address already in use :::3000
    at Server.setupListenHandle [as _listen2] (node:net:1872:16)
    at listenInCluster (node:net:1920:12)
    at Object.<anonymous> (/home/dev/app/server.js:8:8)
Emitted 'error' event on Server instance at:
  code: 'EADDRINUSE',
  errno: -98,
  syscall: 'listen',
  address: '::',
  port: 3000
}

Node.js v20.11.0
"""


def _record_runs(services: Services) -> None:
    """Published snippets that fail and corrections that pass, as the harness records them."""
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=SEED)
    assert entry is not None
    with services.database.write() as session:
        for fix in entry.fixes:
            for snippet in fix.snippets:
                corrected = any(s.corrects == snippet.id for s in fix.snippets)
                store.record_run(
                    session=session,
                    entry_id=SEED,
                    snippet_slug=snippet.id,
                    code_hash=snippet.verification.code_hash,
                    status="failed" if corrected else "passed",
                    error="NameError: name 'contextlib' is not defined" if corrected else "",
                    duration_ms=10.0,
                    python_version="3.11.7",
                )


def seeded_services(settings: Settings) -> Iterator[Services]:
    """Services over the repository's entries, with the seed's runs recorded."""
    database = prepare_database(settings)
    built = Services(settings=settings, database=database, index=SearchIndex.build(database))
    _record_runs(built)
    yield built
    database.dispose()


services = pytest.fixture(seeded_services, name="services")


def _fixes(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """Every fix an answer shows with code, brief or full."""
    shown = [fix for r in answer.get("results", []) for fix in r.get("fixes", [])]
    match = answer.get("answer") or {}
    return shown + ([match["recommended_fix"]] if match.get("recommended_fix") else [])


def _assert_no_failed_label_beside_passing_code(answer: dict[str, Any], codes: set[str]) -> None:
    for fix in _fixes(answer):
        verification = fix["verification"]
        label = verification if isinstance(verification, str) else verification["label"]
        if fix["code"] in codes:
            assert not label.startswith("failed"), (fix["id"], label)


def _fix_section(html: str, fix_id: str) -> str:
    section = html.split(f'id="fix-{fix_id}"', 1)[1]
    return section.split('<div class="fix" id=', 1)[0]


def _assert_the_page_shows_corrections_first(html: str) -> None:
    """Each corrected fix shows its passing correction; the published code and its failed
    badge sit only inside a <details> one level down."""
    for fix_id in CORRECTED:
        section = _fix_section(html, fix_id)
        main, _, below = section.partition('<details class="published">')
        assert "badge-failed" not in main and "badge-shown" in main, fix_id
        assert "errata's correction of the published code" in main, fix_id
        assert "badge-failed" in below and "<summary>The published code, and why it failed" in below


def _assert_the_resource_shows_corrections_first(markdown: str) -> None:
    for fix_id in CORRECTED:
        section = markdown.split(f"## Fix `{fix_id}`", 1)[1].split("\n## ", 1)[0]
        main, _, below = section.partition("### The published code, and why it failed")
        assert f"verification: {CORRECTION_LABEL}" in main and "verification: failed" not in main
        assert "verification: failed" in below and "Failure: ` NameError: name" in below


def _passing_codes(services: Services) -> set[str]:
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=SEED)
    assert entry is not None
    return {s.code for f in entry.fixes for s in f.snippets if s.verification.status == "passed"}


def test_the_seeds_corrected_fixes_show_their_corrections_labelled_passed(
    services: Services,
) -> None:
    answer = full_answer(services.search(POOL, limit=3), POOL).model_dump(mode="json")
    fixes = {fix["id"]: fix for fix in answer["results"][0]["fixes"]}
    for fix_id in CORRECTED:
        assert fixes[fix_id]["verification"]["label"] == CORRECTION_LABEL
        assert "import contextlib" in fixes[fix_id]["code"] or fix_id == "work-queue"
    _assert_no_failed_label_beside_passing_code(answer, _passing_codes(services))


@pytest.mark.anyio
async def test_no_surface_shows_a_failed_label_beside_code_that_passed(
    services: Services,
) -> None:
    passing = _passing_codes(services)
    async with Client(build_mcp(services)) as client:
        for detail in ("brief", "full"):
            args = {"query": POOL, "detail": detail, "limit": 5}
            result = await client.call_tool("search_errors", args)
            _assert_no_failed_label_beside_passing_code(json.loads(result.content[0].text), passing)  # type: ignore[union-attr]
    with TestClient(create_app(services.settings)) as rest:
        _record_runs(services)  # the app's own database copy starts without runs
        for detail in ("brief", "full"):
            body = rest.post("/api/search", json={"query": POOL, "detail": detail}).json()
            _assert_no_failed_label_beside_passing_code(body, passing)
        _assert_the_page_shows_corrections_first(rest.get(f"/entries/{SEED}").text)
    async with Client(build_mcp(services)) as client:
        resource = await client.read_resource(f"errata://entries/{SEED}")
    _assert_the_resource_shows_corrections_first(resource.contents[0].text)  # type: ignore[union-attr]
    markdown = as_text(full_answer(services.search(POOL, limit=5), POOL), "markdown")
    for fix_id in CORRECTED:
        section = markdown.split(f"### Fix `{fix_id}`", 1)[1].split("### Fix", 1)[0]
        assert f"Verification: {CORRECTION_LABEL}" in section


def test_the_recommended_fix_is_the_first_whose_code_passed_with_one_verification_line(
    services: Services,
) -> None:
    answer = brief_answer(services.search(HELD, limit=3), HELD)
    assert answer.answer is not None and answer.answer.recommended_fix is not None
    fix = answer.answer.recommended_fix
    assert fix.id == "minimize-critical-section"
    assert re.fullmatch(
        r"errata's check passed, Python 3\.11\.7, \d{4}-\d\d-\d\d", fix.verification
    )
    assert answer.next_step == (
        f"apply fix {fix.id}, then report_outcome({SEED}, {fix.id}, worked|did_not_work)"
    )


@pytest.mark.parametrize(
    ("trace", "language", "name"),
    [(GO_DEADLOCK, "go", "Go"), (NODE_EADDRINUSE, "javascript", "JavaScript/Node.js")],
)
def test_a_go_or_node_trace_gets_a_visible_language_note(
    services: Services, trace: str, language: str, name: str
) -> None:
    assert detect_language(trace) == language
    answer = brief_answer(services.search(trace, limit=3), trace)
    assert answer.trace_language == language
    if answer.answer is not None and answer.answer.recommended_fix is not None:
        fix = answer.answer.recommended_fix
        if fix.language != language:
            assert f"your trace is {name}" in fix.language_note
            assert f"Note: {fix.language_note}" in as_text(answer, "markdown")
    full = full_answer(services.search(trace, limit=3), trace)
    other = [f for r in full.results for f in r.fixes if f.language != language]
    assert other and all(f"your trace is {name}" in f.language_note for f in other)


def test_a_python_trace_gets_no_language_note(services: Services) -> None:
    trace = f'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n{POOL}'
    full = full_answer(services.search(trace, limit=3), trace)
    assert full.trace_language == "python"
    assert all(not f.language_note for r in full.results for f in r.fixes if f.language == "python")


def test_no_match_carries_no_fixes_only_ids_titles_and_a_pointer_to_submit(
    services: Services,
) -> None:
    query = "ZorblaxQuuxError: the flux capacitor of the wombat sprocket overheated"
    answer = brief_answer(services.search(query, limit=3), query)
    assert answer.status == "no_match" and answer.answer is None
    assert "submit_entry" in answer.next_step
    text = as_text(answer, "json")
    assert '"code"' not in text and len(text) <= 1_200


@pytest.mark.anyio
async def test_get_entry_fits_the_seed_whole_and_leaves_check_code_out(services: Services) -> None:
    async with Client(build_mcp(services)) as client:
        whole = await client.call_tool("get_entry", {"id": SEED})
        checks = await client.call_tool(
            "get_entry", {"id": SEED, "include_checks": True, "max_chars": 100_000}
        )
        one = await client.call_tool("get_entry", {"id": SEED, "fix_id": "work-queue"})
        bad = await client.call_tool("get_entry", {"id": SEED, "fix_id": "no-such-fix"})
    text = whole.content[0].text  # type: ignore[union-attr]
    body = json.loads(text)
    assert not body["truncated"] and len(text) <= DEFAULT_MAX_CHARS
    assert all(s["check_code"] is None for f in body["entry"]["fixes"] for s in f["snippets"])
    with_checks = json.loads(checks.content[0].text)  # type: ignore[union-attr]
    assert any(s["check_code"] for f in with_checks["entry"]["fixes"] for s in f["snippets"])
    assert [f["id"] for f in json.loads(one.content[0].text)["entry"]["fixes"]] == ["work-queue"]  # type: ignore[union-attr]
    assert bad.is_error and "work-queue" in bad.content[0].text  # type: ignore[union-attr]
