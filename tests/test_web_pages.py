"""The reading pages without a browser: the answer first, plain why, browsing, the entry page's
order and its "did this fix work?" form (the same rules as REST and MCP `report_outcome`)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from errata import store
from errata.answers.why import plain_why
from errata.app import create_app
from errata.config import Settings
from errata.sync import prepare_database
from errata.web.search_page import EXAMPLES
from fastapi.testclient import TestClient

from .test_web import csrf
from .web_entries import copy_finished_entries

SEED = "agent-holds-lock-too-long"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """The repository's finished entries."""
    return copy_finished_entries(tmp_path / "entries")


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    """A browser-like client; three outcome reports a minute per client."""
    changed = settings.with_changes(sandbox="off", outcome_rate_per_minute=3)
    with TestClient(create_app(changed), base_url="http://127.0.0.1") as client:
        yield client


def _ids(html: str) -> list[str]:
    return re.findall(r'data-entry="([^"]+)"', html)


def _on_disk(entries_dir: Path, field: str, value: str) -> set[str]:
    """The ids of the entries whose `field` (tags, languages) lists `value`."""
    found = set()
    for toml in entries_dir.glob("*/entry.toml"):
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        if value in data.get(field, []):
            found.add(data["id"])
    return found


def _every_page(web: TestClient, path: str = "/entries", **params: str) -> list[str]:
    """The ids the entry list at `path` shows, page after page."""
    seen: list[str] = []
    for offset in range(0, 1000, 20):
        ids = _ids(web.get(path, params={**params, "offset": str(offset)}).text)
        if not ids:
            return seen
        seen += ids
    raise AssertionError("more pages than entries")


def test_the_why_reads_as_plain_words() -> None:
    why = "same message; exception type RuntimeError; shared terms: lock, acquire"
    assert plain_why(why) == "Same exception type (RuntimeError) and message as a listed symptom."
    low = plain_why("shared terms: gpt, min, organization")
    assert low == "Only some words in common with a listed symptom (gpt, min, organization)."
    assert "shared terms" not in plain_why("shared terms: a", confident=True)


def test_every_home_page_example_finds_its_entry_confidently(web: TestClient) -> None:
    home = web.get("/").text
    assert home.count('href="/?q=') == len(EXAMPLES) == 3
    for _, trace in EXAMPLES:
        answer = web.get("/", params={"q": trace}).text
        assert 'id="answer"' in answer and 'id="recommended-fix"' in answer, trace


def test_the_home_page_counts_the_entries_and_the_verified_fixes(
    web: TestClient, entries_dir: Path
) -> None:
    services = web.app.state.services  # type: ignore[attr-defined]
    with services.database.read() as session:
        verified = store.verified_fix_count(session=session)
    entries = len(list(entries_dir.glob("*/entry.toml")))
    text = re.sub(r"<[^>]+>", "", web.get("/").text)
    assert f"errata knows {entries} entries and {verified} fixes" in text
    assert verified > 0


def test_a_low_match_is_one_line_without_a_verification_badge(web: TestClient) -> None:
    answer = web.get("/", params={"q": "GlimmerPanic: shard 7 lost quorum"}).text
    others = answer[answer.index('class="results others"') :]
    assert 'class="result-line"' in others and "badge" not in others
    assert "shared terms" not in answer


def test_the_tag_filter_lists_exactly_the_tagged_entries(
    web: TestClient, entries_dir: Path
) -> None:
    asyncio = _on_disk(entries_dir, "tags", "asyncio")
    assert len(asyncio) > 20  # more than one page
    listed = _every_page(web, tag="asyncio")
    assert sorted(listed) == sorted(asyncio)  # each once, page after page
    assert sorted(_every_page(web, "/tags/asyncio")) == sorted(asyncio)
    assert _ids(web.get("/entries", params={"tag": "asyncio%"}).text) == []  # no wildcard


def test_every_tag_link_on_an_entry_page_lists_that_entry(web: TestClient) -> None:
    page = web.get("/entries/non-reentrant-lock-self-deadlock").text
    links = re.findall(r'class="tag" href="(/tags/[^"]+)"', page)
    assert "/tags/threading.Lock" in links and "/tags/RLock" in links  # case kept
    for link in links:
        assert "non-reentrant-lock-self-deadlock" in _ids(web.get(link).text), link


def test_the_language_filter_and_the_pages_cover_every_entry_once(
    web: TestClient, entries_dir: Path
) -> None:
    seen = _every_page(web)
    assert sorted(seen) == sorted(p.parent.name for p in entries_dir.glob("*/entry.toml"))
    javascript = _every_page(web, language="javascript")
    assert set(javascript) == _on_disk(entries_dir, "languages", "javascript")
    assert SEED in javascript and len(javascript) < len(seen)


def test_most_reported_puts_the_entry_with_reports_first(web: TestClient) -> None:
    services = web.app.state.services  # type: ignore[attr-defined]
    with services.database.write() as session:
        store.add_outcome(
            session=session, entry_id="sqlite-database-is-locked", fix_slug="x", outcome="worked"
        )
    assert _ids(web.get("/entries", params={"sort": "reported"}).text)[0] == (
        "sqlite-database-is-locked"
    )


def test_bad_browse_parameters_get_a_400_page(web: TestClient) -> None:
    for params in ({"sort": "sideways"}, {"offset": "-1"}, {"offset": "many"}):
        answer = web.get("/entries", params=params)
        assert answer.status_code == 400 and "<h1>400</h1>" in answer.text


def test_the_entry_page_leads_with_the_root_cause_then_the_recommended_fix(
    web: TestClient,
) -> None:
    entry = web.get(f"/api/entries/{SEED}").json()
    page = web.get(f"/entries/{SEED}").text
    order = [page.index(marker) for marker in ('id="root-cause"', 'id="fixes"', 'id="symptoms"')]
    assert order == sorted(order)
    first_fix = re.search(r'<section class="fix" id="fix-([^"]+)"', page)
    assert first_fix and first_fix.group(1) == entry["preference"][0]
    assert 'href="/tags/asyncio"' in page and "On this page" in page
    shown = page[page.index('id="symptoms"') : page.index("more-symptoms")]
    assert shown.count("<li>") == 5 and len(entry["symptoms"]) > 5


def test_a_fix_report_from_the_entry_page_is_recorded(web: TestClient) -> None:
    token = csrf(web, f"/entries/{SEED}")
    form = {"csrf_token": token, "fix_id": "always-release-lock", "outcome": "did_not_work"}
    answer = web.post(f"/entries/{SEED}/outcomes", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("#fix-always-release-lock")
    assert "Thank you" in web.get(answer.headers["location"]).text
    fixes = {f["id"]: f for f in web.get(f"/api/entries/{SEED}").json()["fixes"]}
    assert fixes["always-release-lock"]["outcomes"] == {"did_not_work": 1}


def test_a_fix_report_without_its_csrf_token_is_refused(web: TestClient) -> None:
    form = {"fix_id": "always-release-lock", "outcome": "worked"}
    assert web.post(f"/entries/{SEED}/outcomes", data=form).status_code == 403
    assert web.get(f"/api/entries/{SEED}").json()["fixes"][1]["outcomes"] == {}


def test_a_fix_report_follows_the_api_rules(web: TestClient) -> None:
    token = csrf(web, f"/entries/{SEED}")

    def post(fix_id: str, outcome: str) -> int:
        form = {"csrf_token": token, "fix_id": fix_id, "outcome": outcome}
        return web.post(f"/entries/{SEED}/outcomes", data=form).status_code

    assert post("no-such-fix", "worked") == 404
    assert post("always-release-lock", "maybe") == 422
    assert [post("always-release-lock", "worked") for _ in range(3)] == [200, 200, 200]
    assert post("always-release-lock", "worked") == 429  # the same per-client limit as REST


def test_without_anonymous_writes_the_page_points_to_the_keyed_api(settings: Settings) -> None:
    keyed = settings.with_changes(sandbox="off", anonymous_writes=False)
    with TestClient(create_app(keyed), base_url="http://127.0.0.1") as client:
        page = client.get(f"/entries/{SEED}").text
        assert "outcome-form" not in page and "report_outcome" in page
        token = csrf(client, "/submit")
        form = {"csrf_token": token, "fix_id": "always-release-lock", "outcome": "worked"}
        assert client.post(f"/entries/{SEED}/outcomes", data=form).status_code == 401


@pytest.mark.postgres
def test_browsing_filters_and_sorts_the_same_on_postgresql(
    pg_settings: Settings, entries_dir: Path
) -> None:
    database = prepare_database(pg_settings)
    try:
        with database.write() as session:
            store.add_outcome(
                session=session,
                entry_id="sqlite-database-is-locked",
                fix_slug="x",
                outcome="worked",
            )
        with database.read() as session:
            tagged = store.browse_entries(
                session=session, tag="asyncio", sort="recent", limit=100, offset=0
            )
            reported = store.browse_entries(session=session, sort="reported", limit=1, offset=0)
            verified = store.verified_fix_count(session=session)
    finally:
        database.dispose()
    assert {e.id for e in tagged.items} == _on_disk(entries_dir, "tags", "asyncio")
    assert reported.items[0].id == "sqlite-database-is-locked" and reported.total > 1
    assert verified > 0
