"""What a fix's run showed reads the same on MCP, REST, the web and the skill: "errata's check
passed" (curated), "the contributor's check passed" (contributed), "ran without error" (no
check), and a fix without a check never reads "verified"."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from errata import store
from errata.app import create_app
from errata.config import REPO_ROOT, Settings
from errata.entry_files import write_entry
from errata.mcp_server import build_mcp
from errata.models import EntryDraft, FixDraft, SnippetDraft
from errata.services import Services
from errata.verdicts import Shown
from fastapi.testclient import TestClient
from mcp import Client

SKILL = REPO_ROOT / "skill"
CHECK = "from errata_check import load_snippet\n\nns = load_snippet()\nassert ns['answer'] == 42\n"
# entry id -> (origin, whether its snippet has a check, the run's status, the words shown)
CASES: dict[str, tuple[str, bool, str, Shown]] = {
    "curated-gizmo-check": ("curated", True, "passed", Shown.ERRATA_CHECK_PASSED),
    "contributed-gizmo-check": ("contributed", True, "passed", Shown.CONTRIBUTOR_CHECK_PASSED),
    "checkless-gizmo": ("curated", False, "ran_without_error", Shown.RAN_WITHOUT_ERROR),
}
WORDS = {
    "curated-gizmo-check": "frobnicator",
    "contributed-gizmo-check": "quuxinator",
    "checkless-gizmo": "zorbulator",
}


MESSAGES = {  # each entry's own message, sharing no words with the others: one clear answer
    "curated-gizmo-check": "overheated while spinning up its rotor blades",
    "contributed-gizmo-check": "drained the flux capacitor during calibration",
    "checkless-gizmo": "lost orbit around the reactor core after launch",
}


def _symptom(entry_id: str) -> str:
    word = WORDS[entry_id]
    return f"{word.capitalize()}Error: the {word} {MESSAGES[entry_id]}"


def _draft(entry_id: str) -> EntryDraft:
    origin, checked, _, _ = CASES[entry_id]
    snippet = SnippetDraft(
        id="set-answer",
        file="answer.py",
        code="answer = 42\n",
        check_file="checks/answer.py" if checked else None,
        check_code=CHECK if checked else None,
    )
    return EntryDraft(
        id=entry_id,
        title=f"The {WORDS[entry_id]} overheats",
        symptoms=[_symptom(entry_id)],
        root_cause=f"The {WORDS[entry_id]} spins without a governor.",
        fixes=[FixDraft(id="add-a-governor", title="Add a governor", snippets=[snippet])],
        source="https://example.invalid/gizmos",
        origin=origin,  # type: ignore[arg-type]
    )


def _record_runs(services: Services) -> None:
    for entry_id, (_, _, status, _) in CASES.items():
        with services.database.read() as session:
            entry = store.get_entry(session=session, entry_id=entry_id)
        assert entry is not None
        snippet = entry.fixes[0].snippets[0]
        with services.database.write() as session:
            store.record_run(
                session=session,
                entry_id=entry_id,
                snippet_slug=snippet.id,
                code_hash=snippet.verification.code_hash,
                status=status,
                python_version="3.11.7",
            )


@pytest.fixture
def rest(settings: Settings) -> Iterator[TestClient]:
    for entry_id in CASES:
        write_entry(_draft(entry_id), settings.entries_dir)
    app = create_app(settings)
    with TestClient(app) as client:
        _record_runs(app.state.services)
        yield client


def _skill() -> ModuleType:
    spec = importlib.util.spec_from_file_location("errata_skill", SKILL / "scripts" / "errata.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _printed(show: Any, answer: dict[str, Any]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        show(answer)
    return out.getvalue()


def test_rest_says_what_the_run_showed(rest: TestClient) -> None:
    for entry_id in CASES:
        _assert_rest(rest, entry_id)


def _assert_rest(rest: TestClient, entry_id: str) -> None:
    words = CASES[entry_id][3]
    entry = rest.get(f"/api/entries/{entry_id}").json()
    assert entry["shown"] == words
    assert entry["fixes"][0]["snippets"][0]["verification"]["shown"] == words
    full = rest.post("/api/search", json={"query": _symptom(entry_id), "detail": "full"}).json()
    first = full["results"][0]
    assert first["id"] == entry_id and first["shown"] == words
    verification = first["fixes"][0]["verification"]
    assert verification["shown"] == verification["label"] == words
    brief = rest.post("/api/search", json={"query": _symptom(entry_id)}).json()
    line = brief["answer"]["recommended_fix"]["verification"]
    assert line.startswith(f"{words}, Python 3.11.7")


@pytest.mark.anyio
async def test_mcp_says_what_the_run_showed(rest: TestClient) -> None:
    async with Client(build_mcp(rest.app.state.services)) as mcp:  # type: ignore[attr-defined]
        for entry_id in CASES:
            await _assert_mcp(mcp, entry_id)


async def _assert_mcp(mcp: Client, entry_id: str) -> None:
    words = CASES[entry_id][3]
    found = await mcp.call_tool("search_errors", {"query": _symptom(entry_id)})
    full = await mcp.call_tool("search_errors", {"query": _symptom(entry_id), "detail": "full"})
    entry = await mcp.call_tool("get_entry", {"id": entry_id})
    status = await mcp.call_tool("verification_status", {"entry_id": entry_id})
    resource = await mcp.read_resource(f"errata://entries/{entry_id}")
    brief = json.loads(found.content[0].text)  # type: ignore[union-attr]
    assert brief["answer"]["recommended_fix"]["verification"].startswith(f"{words}, ")
    hit = json.loads(full.content[0].text)["results"][0]  # type: ignore[union-attr]
    assert hit["provenance"].endswith(f"every fix: {words}")
    assert hit["fixes"][0]["verification"]["label"] == words
    read = json.loads(entry.content[0].text)  # type: ignore[union-attr]
    assert read["provenance"].endswith(f"every fix: {words}")
    assert all(word in read["notice"] for word in Shown)
    assert json.loads(status.content[0].text)["snippets"][0]["shown"] == words  # type: ignore[union-attr]
    markdown = resource.contents[0].text  # type: ignore[union-attr]
    assert f"every fix: {words}" in markdown and f"verification: {words}" in markdown


def test_the_web_pages_say_what_the_run_showed(rest: TestClient) -> None:
    for entry_id in CASES:
        words = str(CASES[entry_id][3]).replace("'", "&#39;")
        page = rest.get(f"/entries/{entry_id}").text
        assert page.count(f'">{words}</span>') == 2  # the entry's badge and its snippet's
        found = rest.get("/", params={"q": _symptom(entry_id)}).text
        # the result's badge and its fix's (other results may show the same words)
        assert found.count(f'">{words}</span>') >= 2


def test_the_skill_says_what_the_run_showed(rest: TestClient) -> None:
    skill = _skill()
    for entry_id in CASES:
        _assert_skill(rest, skill, entry_id)


def _assert_skill(rest: TestClient, skill: ModuleType, entry_id: str) -> None:
    words = CASES[entry_id][3]
    answer = rest.post("/api/search", json={"query": _symptom(entry_id)}).json()
    assert f"verification: {words}, " in _printed(skill.print_search, answer)
    full = rest.post("/api/search", json={"query": _symptom(entry_id), "detail": "full"}).json()
    assert f", {words}]" in _printed(skill.print_search, full)
    entry = rest.get(f"/api/entries/{entry_id}").json()
    assert _printed(skill.print_entry, entry).count(str(words)) == 2


def test_a_fix_without_a_check_never_reads_verified_anywhere(rest: TestClient) -> None:
    entry_id = "checkless-gizmo"
    texts = [
        rest.get(f"/entries/{entry_id}").text.split("<article", 1)[1],
        rest.get("/", params={"q": _symptom(entry_id)}).text.split('id="answer"', 1)[1],
        json.dumps(rest.post("/api/search", json={"query": _symptom(entry_id)}).json()["answer"]),
        _printed(_skill().print_entry, rest.get(f"/api/entries/{entry_id}").json()),
    ]
    for text in texts:
        assert "verified" not in text.lower().replace('"verified": false', "")


def test_the_skill_tells_the_agent_the_three_labels() -> None:
    text = " ".join((SKILL / "SKILL.md").read_text(encoding="utf-8").split())
    for words in Shown:
        assert f'"{words}"' in text
