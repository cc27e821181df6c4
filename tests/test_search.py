"""Search: ranking, abstention, language filter, outcome tie-break, refresh, REST 4xx, CLI."""

from __future__ import annotations

import io
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from errata import store
from errata.app import create_app
from errata.cli import main
from errata.config import REPO_ROOT, Settings
from errata.db import Database
from errata.entry_files import write_entry
from errata.models import EntryDraft, FixDraft, SnippetDraft
from errata.search import SearchIndex, SearchInputError, search
from errata.sync import prepare_database
from fastapi.testclient import TestClient

from .conftest import TEST_HOSTS

SEED = "agent-holds-lock-too-long"
POOL_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/api/routes.py", line 41, in create_order\n'
    "    async with session.begin():\n"
    '  File "/srv/app/.venv/lib/python3.12/site-packages/sqlalchemy/pool/impl.py", line 157,'
    " in _do_get\n"
    "    raise exc.TimeoutError(\n"
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 20 overflow 0 reached, connection timed "
    "out, timeout 10.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"
)

LOCK_HELD = (  # the seed's message with what its reader saw: one cause, so confident
    "RuntimeError: Could not acquire lock within 5.0s — possible deadlock "
    "(10 agent workers, all waiting on one lock held across a slow LLM call)"
)


def draft(entry_id: str, symptoms: list[str], languages: list[str]) -> EntryDraft:
    """A small entry with one fix and one snippet."""
    return EntryDraft(
        id=entry_id,
        title=entry_id.replace("-", " "),
        languages=languages,
        symptoms=symptoms,
        root_cause="A cause.",
        source="tests",
        fixes=[
            FixDraft(
                id="fix",
                title="Do the right thing",
                explanation="Explained.\n\nMore.",
                snippets=[SnippetDraft(id="snippet", file="fix.py", code="print('ok')\n")],
            )
        ],
    )


@pytest.fixture
def seed_settings(tmp_path: Path) -> Settings:
    """Settings over a copy of the seed entry alone (other entries come and go)."""
    root = tmp_path / "seed-entries"
    shutil.copytree(REPO_ROOT / "entries" / SEED, root / SEED)
    return Settings(
        data_dir=tmp_path / "seed-data",
        entries_dir=root,
        verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )


@pytest.fixture
def seed_client(seed_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(seed_settings)) as client:
        yield client


@pytest.fixture
def own_settings(tmp_path: Path) -> Settings:
    """Settings over three made-up entries, two of them with the same symptom."""
    root = tmp_path / "own-entries"
    wrapper = "widgetlib.WrapperCrash: the frobnicator spun out of control"
    write_entry(draft("python-widget", [wrapper], ["python"]), root)
    write_entry(draft("go-widget", [wrapper], ["go"]), root)
    write_entry(draft("zebra-stripes", ["ZebraError: stripes misaligned on the canvas"], []), root)
    return Settings(
        data_dir=tmp_path / "own-data",
        entries_dir=root,
        verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )


@pytest.fixture
def own_database(own_settings: Settings) -> Iterator[Database]:
    database = prepare_database(own_settings)
    yield database
    database.dispose()


def test_a_pool_timeout_trace_finds_the_seed_entry_first_and_says_why(
    seed_client: TestClient,
) -> None:
    body = seed_client.post("/api/search", json={"query": POOL_TRACE, "detail": "full"}).json()
    first = body["results"][0]
    assert first["id"] == SEED
    assert "QueuePool" in first["matched_symptom"]
    assert "same message" in first["why"] and "QueuePool" in first["why"]
    assert first["fixes"] and first["fixes"][0]["code"]
    assert "<n>" in body["query_normalized"] and "/srv/app" not in body["query_normalized"]


def test_a_plain_sentence_finds_the_seed_entry(seed_client: TestClient) -> None:
    body = seed_client.get(
        "/api/search", params={"q": "10 workers but throughput is the same as 1"}
    ).json()
    assert body["results"][0]["id"] == SEED


# PRODUCT.md (the product brief, outside the repository) opens with this sentence.
PRODUCT_EXAMPLE = "10 workers but throughput is the same as 1"


def readme_examples() -> list[str]:
    """Every search example README.md shows: the sentence in its opening, the REST bodies and
    query strings, the MCP Inspector's tool argument."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r'a sentence \("([^"]+)"\)', text)
    found += re.findall(r'"query": "([^"]+)"', text)
    found += [unquote_plus(q) for q in re.findall(r"/api/search\?q=([^&'\s]+)", text)]
    found += re.findall(r"--tool-arg 'query=([^']+)'", text)
    return list(dict.fromkeys(found))


def test_the_readme_shows_search_examples() -> None:
    examples = readme_examples()
    assert PRODUCT_EXAMPLE in examples and any("QueuePool" in q for q in examples)


@pytest.mark.parametrize("query", [PRODUCT_EXAMPLE, *readme_examples()])
def test_the_readme_and_product_examples_rank_the_seed_entry_first(
    client: TestClient, query: str
) -> None:
    body = client.post("/api/search", json={"query": query}).json()
    assert body["results"][0]["id"] == SEED, body["results"][:1]


@pytest.mark.parametrize("query", [POOL_TRACE, *(q for q in readme_examples() if "QueuePool" in q)])
def test_a_pool_timeout_is_a_differential_not_a_confident_answer(
    client: TestClient, query: str
) -> None:
    """A leak, connections held across slow work and an undersized pool all print it."""
    body = client.post("/api/search", json={"query": query, "limit": 5}).json()
    assert body["status"] != "matched" and not body["results"][0]["confident"]
    ids = [result["id"] for result in body["results"]]
    assert {SEED, "db-connection-leak-pool-exhausted", "db-pool-smaller-than-concurrency"} <= set(
        ids
    )


def test_a_message_only_the_seed_entry_explains_is_a_confident_match(client: TestClient) -> None:
    query = "clippy::await_holding_lock: this `MutexGuard` is held across an `await` point"
    body = client.post("/api/search", json={"query": query}).json()
    assert body["status"] == "matched"
    assert body["results"][0]["id"] == SEED and body["results"][0]["confident"] is True


@pytest.mark.parametrize(
    ("query", "words", "stems"),
    [
        (PRODUCT_EXAMPLE, ["workers", "throughput"], ["worker"]),
        (
            "my agents all wait on one lock while one of them calls the LLM",
            ["agents", "lock", "wait"],
            ["agent", "one"],
        ),
        (
            "while one task is slow, the other workers wait and their latency grows",
            ["slow", "workers"],
            ["latenc", "other", "one"],
        ),
    ],
)
def test_why_names_shared_terms_in_the_querys_own_words_without_filler(
    client: TestClient, query: str, words: list[str], stems: list[str]
) -> None:
    first = client.post("/api/search", json={"query": query, "detail": "full"}).json()["results"][0]
    listed = first["why"].split("shared terms: ", 1)[1].split(";")[0]
    terms = [term.strip() for term in listed.split(",")]
    assert set(words) <= set(terms), first["why"]
    assert not set(stems) & set(terms), first["why"]


@pytest.mark.parametrize(
    "query",
    [
        "ZeroDivisionError: division by zero",
        "ModuleNotFoundError: No module named 'pydantic_settings'",
        "how do I center a div vertically in css",
    ],
)
def test_an_error_the_base_does_not_cover_gets_no_match(
    seed_client: TestClient, query: str
) -> None:
    body = seed_client.post("/api/search", json={"query": query}).json()
    assert body["status"] == "no_match"
    assert all(not r["confident"] for r in body["results"])


def test_the_language_filter_keeps_only_that_languages_and_agnostic_entries(
    own_database: Database,
) -> None:
    index = SearchIndex.build(own_database)
    query = "widgetlib.WrapperCrash: the frobnicator spun out of control"
    both = {r.id for r in search(index, own_database, query).results}
    assert {"python-widget", "go-widget"} <= both
    go = [r.id for r in search(index, own_database, query, language="Go").results]
    assert "go-widget" in go and "python-widget" not in go
    rust = search(index, own_database, "ZebraError: stripes misaligned", language="rust")
    assert [r.id for r in rust.results] == ["zebra-stripes"]


def test_outcome_reports_reorder_equals_at_once_without_a_rebuild(own_settings: Settings) -> None:
    query = "widgetlib.WrapperCrash: the frobnicator spun out of control"

    def order(client: TestClient) -> list[str]:
        body = client.post("/api/search", json={"query": query}).json()
        return [r["id"] for r in body["results"][:2]]

    def report(client: TestClient, entry_id: str, outcome: str) -> None:
        url = f"/api/entries/{entry_id}/outcomes"
        response = client.post(url, json={"fix_id": "fix", "outcome": outcome})
        assert response.status_code == 201

    one_client = own_settings.with_changes(outcome_min_clients=1)  # this test's client alone
    with TestClient(create_app(one_client)) as client:
        index = client.app.state.services.index  # type: ignore[attr-defined]
        bm25, revision = index.state.main.bm25, index.describe()["revision"]
        assert order(client) == ["go-widget", "python-widget"]  # a tie: by id
        for _ in range(2):
            report(client, "python-widget", "worked")
        assert order(client) == ["python-widget", "go-widget"]
        for _ in range(5):
            report(client, "python-widget", "did_not_work")
        assert order(client) == ["go-widget", "python-widget"]
        # only the scores were reloaded: same bm25 index, same entry revision
        assert index.state.main.bm25 is bm25
        assert index.describe()["revision"] == revision


def test_outcome_scores_come_from_one_grouped_query(own_database: Database) -> None:
    with own_database.write() as session:
        for client, outcome in enumerate(
            ("worked", "worked_with_changes", "did_not_work", "worked")
        ):
            store.add_outcome(
                session=session,
                entry_id="go-widget",
                fix_slug="fix",
                outcome=outcome,
                client_key=str(client),
            )
        before = store.get_revisions(session=session)
        store.bump_outcome_revision(session=session)
    with own_database.read() as session:
        assert store.outcome_scores(session=session) == {"go-widget": 0.5}
        after = store.get_revisions(session=session)
    assert after == (before[0], before[1] + 1)


def test_refresh_is_a_no_op_until_the_revision_moves(own_database: Database) -> None:
    index = SearchIndex.build(own_database)
    assert index.refresh_if_changed(own_database) is False
    with own_database.write() as session:
        store.upsert_entry(
            session=session,
            draft=draft("new-thing", ["NewThingError: brand new failure mode"], []),
            from_files=False,
        )
        store.bump_revision(session=session)
    assert index.refresh_if_changed(own_database) is True
    assert index.describe()["entries"] == 4
    found = search(index, own_database, "NewThingError: brand new failure mode")
    assert found.status == "matched" and found.results[0].id == "new-thing"


def test_a_new_entry_is_searchable_through_rest_without_a_restart(seed_settings: Settings) -> None:
    query = "QuuxOverflowError: the quux buffer overflowed while flushing"
    with TestClient(create_app(seed_settings)) as client:
        assert client.post("/api/search", json={"query": query}).json()["status"] == "no_match"
        fitted = client.get("/api/health").json()["index"]["word_model"]
        assert fitted["unfitted"] == 0 and fitted["entries"] >= 100  # the seed is fitted
        database = client.app.state.services.database  # type: ignore[attr-defined]
        with database.write() as session:
            store.upsert_entry(
                session=session, draft=draft("quux-overflow", [query], []), from_files=False
            )
            store.bump_revision(session=session)
        deadline = time.monotonic() + 10
        body: dict = {}
        while time.monotonic() < deadline:
            body = client.post("/api/search", json={"query": query}).json()
            if body["status"] == "matched":
                break
            time.sleep(0.05)
        assert body["status"] == "matched" and body["results"][0]["id"] == "quux-overflow"
        health = client.get("/api/health").json()
        assert health["index"]["entries"] >= 2 and health["index"]["revision"] >= 2
        # approved since the word model's fit: health says so (refit to include it)
        assert health["index"]["word_model"]["unfitted"] == 1


@pytest.mark.parametrize(
    ("method", "kwargs", "message"),
    [
        ("post", {"json": {"query": ""}}, "empty"),
        ("post", {"json": {"query": "   \n  "}}, "empty"),
        ("get", {"params": {"q": ""}}, "empty"),
        ("get", {}, '"q"'),
        ("post", {"json": {"query": "x" * 3_001}}, "over the limit of 3,000"),
        ("get", {"params": {"q": "y" * 3_001}}, "over the limit of 3,000"),
        ("post", {"json": {"limit": 3}}, "query"),
        ("post", {"json": {"query": "boom", "limit": 0}}, "limit"),
        ("post", {"json": {"query": "boom", "limit": 51}}, "limit"),
        ("get", {"params": {"q": "boom", "limit": "many"}}, "limit"),
        ("post", {"json": {"query": 42}}, "query"),
        ("post", {"json": {"query": "boom", "language": "x" * 41}}, "language"),
        ("post", {"content": b"not json", "headers": {"content-type": "application/json"}}, ""),
    ],
)
def test_bad_search_input_gets_a_4xx_with_a_message(
    seed_settings: Settings, method: str, kwargs: dict, message: str
) -> None:
    settings = seed_settings.with_changes(max_query_chars=3_000)
    with TestClient(create_app(settings)) as client:
        response = getattr(client, method)("/api/search", **kwargs)
    assert 400 <= response.status_code < 500
    assert message in json.dumps(response.json()["detail"])


def test_a_200_kb_trace_is_searched_not_rejected(seed_client: TestClient) -> None:
    noise = "".join(f"DEBUG heartbeat {i} ok\n" for i in range(8_000))
    query = (noise + POOL_TRACE)[-199_000:]
    body = seed_client.post("/api/search", json={"query": query}).json()
    assert body["results"][0]["id"] == SEED


def test_search_refuses_empty_and_oversized_input_directly(own_database: Database) -> None:
    index = SearchIndex.build(own_database)
    with pytest.raises(SearchInputError, match="empty"):
        search(index, own_database, " ")
    with pytest.raises(SearchInputError, match="over the limit of 10"):
        search(index, own_database, "abcdefghijk", max_chars=10)


def test_the_cli_prints_json_and_reads_stdin(
    seed_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ERRATA_DATA_DIR", str(seed_settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(seed_settings.entries_dir))
    assert main(["search", "--json", "--limit", "2", LOCK_HELD]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "matched" and body["results"][0]["id"] == SEED
    assert len(body["results"]) <= 2
    monkeypatch.setattr("sys.stdin", io.StringIO(LOCK_HELD))
    assert main(["search", "-"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# errata: matched") and SEED in text
    assert "Next step: apply fix " in text


def test_the_cli_reports_empty_input_as_an_error(
    seed_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ERRATA_DATA_DIR", str(seed_settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(seed_settings.entries_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["search", "-"]) == 2
    assert "empty" in capsys.readouterr().err


def test_domain_search_code_never_imports_web_or_mcp() -> None:
    package = Path(__file__).resolve().parent.parent / "server" / "errata" / "search"
    for module in package.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "fastapi" not in text and "import mcp" not in text and "from mcp" not in text


def test_two_indexes_on_one_database_take_in_an_approval_and_a_retirement_without_a_rebuild(
    own_database: Database,
) -> None:
    a, b = SearchIndex.build(own_database), SearchIndex.build(own_database)
    query = "GlorpQuotaError: the glorp quota ran out while draining"
    with own_database.write() as session:  # what an approval on process A commits
        store.upsert_entry(session=session, draft=draft("glorp", [query], []), from_files=False)
        store.bump_revision(session=session)
    for index in (a, b):
        assert index.refresh_if_changed(own_database) is True
        assert search(index, own_database, query).results[0].id == "glorp"
        assert index.describe()["full_builds"] == 1 and index.describe()["delta_entries"] == 1
    with own_database.write() as session:
        store.retire_entry(session=session, entry_id="glorp")
        store.bump_revision(session=session)
    assert b.refresh_if_changed(own_database) is True
    assert "glorp" not in {r.id for r in search(b, own_database, query).results}
    assert "glorp" not in b.state.ids and b.describe()["full_builds"] == 1


SOCKET_EAGAIN = (
    "Traceback (most recent call last):\n"
    '  File "/srv/relay/listen.py", line 88, in poll\n'
    "    chunk = sock.recv(4096)\n"
    "BlockingIOError: [Errno 11] Resource temporarily unavailable"
)


@pytest.mark.parametrize(
    "query",
    [SOCKET_EAGAIN, "OSError: [Errno 23] Too many open files in system"],
)
def test_a_generic_message_or_an_errno_cousin_is_not_a_confident_answer(
    client: TestClient, query: str
) -> None:
    """EAGAIN from a non-blocking socket is not thread exhaustion; ENFILE is not EMFILE."""
    body = client.post("/api/search", json={"query": query}).json()
    assert body["status"] != "matched" and not body["results"][0]["confident"]


def test_a_message_with_one_cause_stays_a_confident_answer(client: TestClient) -> None:
    query = "RuntimeError: asyncio.run() cannot be called from a running event loop"
    body = client.post("/api/search", json={"query": query}).json()
    assert body["status"] == "matched"
    assert body["results"][0]["id"] == "event-loop-already-running"
