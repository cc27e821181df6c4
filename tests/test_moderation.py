"""The life of a submission, on a real SQLite database (and PostgreSQL for the rate limit)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from errata import store
from errata.app import create_app
from errata.cli import main as errata_main
from errata.config import Settings
from errata.contributions import lifecycle as moderation
from errata.contributions.jobs import settle_abandoned
from errata.contributions.submission import SubmissionIn, SubmissionInvalid, slugify, to_draft
from errata.db import Database
from errata.entry_files import parse_entry, write_entry
from errata.mcp_server import build_mcp
from errata.migrations import migrate
from errata.models import utcnow
from errata.services import Services
from errata.sync import sync_entries
from fastapi.testclient import TestClient
from mcp import Client

from .web_entries import copy_finished_entries

SEED = "agent-holds-lock-too-long"


def valid(**changes: Any) -> dict[str, Any]:
    """A submission every check accepts."""
    data: dict[str, Any] = {
        "title": "Thread pool never shuts down at exit",
        "symptoms": ["process hangs at interpreter exit after the work is done"],
        "root_cause": "Worker threads are not daemon threads and nobody joins them.",
        "fixes": [
            {
                "title": "Use the executor as a context manager",
                "explanation": "`with` waits for the workers and shuts the pool down.",
                "code": "from concurrent.futures import ThreadPoolExecutor\n"
                "with ThreadPoolExecutor(2) as pool:\n    print(sum(pool.map(abs, [-1, 2])))\n",
                "check": "",
            }
        ],
        "languages": ["python"],
        "tags": ["threads, shutdown"],
        "environment": ["Python 3.11"],
        "source": "own experience",
        "contact": "someone@example.org",
    }
    data.update(changes)
    return data


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """The repository's finished entries (overrides conftest's copy of the whole folder)."""
    return copy_finished_entries(tmp_path / "entries")


@pytest.fixture
def off_settings(settings: Settings) -> Settings:
    """No sandbox here: submissions must end unverified and nothing may run."""
    return settings.with_changes(sandbox="off", maintainer_token="maintainer-secret")


@pytest.fixture
def services(off_settings: Settings) -> Iterator[Services]:
    """The services of a running app (lifespan started: database, index, harness)."""
    with TestClient(create_app(off_settings)) as client:
        yield client.app.state.services  # type: ignore[attr-defined]


def test_validation_names_every_wrong_field_with_a_message() -> None:
    bad = valid(title="x", symptoms=["", "  "], root_cause="", source="", tags=["<b>"])
    bad["fixes"] = [{"title": "", "code": "def broken(:\n", "check": "if True print(1)"}]
    with pytest.raises(SubmissionInvalid) as caught:
        to_draft(SubmissionIn.model_validate(bad))
    errors = caught.value.errors
    assert set(errors) == {
        "title", "symptoms", "root_cause", "source", "tags", "fixes[0].code", "fixes[0].check",
    }  # fmt: skip
    assert "line 1" in errors["fixes[0].code"]
    assert "own experience" in errors["source"]


def test_a_valid_submission_becomes_a_contributed_draft_with_a_slug_id() -> None:
    draft = to_draft(SubmissionIn.model_validate(valid()))
    assert draft.id == "thread-pool-never-shuts-down-at-exit"
    assert draft.origin == "contributed"
    assert draft.tags == ["threads", "shutdown"]
    assert draft.fixes[0].snippets[0].file == "fix_1.py"
    assert slugify("  Ünïcode -- Title!! ") == "n-code-title"


def test_nul_characters_and_lone_surrogates_are_refused_not_stored() -> None:
    with pytest.raises(SubmissionInvalid) as caught:
        to_draft(SubmissionIn.model_validate(valid(root_cause="a\x00b")))
    assert caught.value.errors == {"root_cause": "contains a NUL character"}
    with pytest.raises(SubmissionInvalid) as caught:
        sub = SubmissionIn.model_validate(valid()).model_copy(update={"title": "Hello \ud800 !"})
        to_draft(sub)
    assert caught.value.errors == {"title": "contains a lone surrogate (not UTF-8)"}


def test_with_the_sandbox_off_submissions_end_unverified_and_nothing_runs(
    services: Services,
) -> None:
    receipt = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    assert receipt.status == "unverified"
    with services.database.read() as session:
        submission = store.get_submission(session=session, submission_id=receipt.id)
        assert store.queue_depth(session=session) == 0
        assert store.submission_runs(session=session, submission_id=receipt.id) == {}
    assert submission is not None and "ERRATA_SANDBOX=off" in submission.review_note


def test_the_same_title_twice_gets_two_distinct_entry_ids(services: Services) -> None:
    first = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    second = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="b")
    assert first.entry_id == "thread-pool-never-shuts-down-at-exit"
    assert second.entry_id == "thread-pool-never-shuts-down-at-exit-2"


def test_approving_an_unverified_submission_is_refused_unless_forced(services: Services) -> None:
    receipt = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    with pytest.raises(moderation.TransitionRefused, match="only with force"):
        moderation.approve(services, receipt.id)
    entry_id = moderation.approve(services, receipt.id, note="checked by hand", force=True)
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
        submission = store.get_submission(session=session, submission_id=receipt.id)
    assert entry is not None and entry.origin == "contributed"
    assert submission is not None and submission.status == "approved"
    assert submission.review_note == "checked by hand"


def test_approving_a_failed_submission_is_refused_unless_forced(services: Services) -> None:
    receipt = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    with services.database.write() as session:  # what the harness callback does on a failure
        store.transition_submission(
            session=session, submission_id=receipt.id, to="failed", allowed_from=("unverified",)
        )
    with pytest.raises(moderation.TransitionRefused, match="failed"):
        moderation.approve(services, receipt.id)
    assert moderation.approve(services, receipt.id, force=True) == receipt.entry_id


def test_an_approved_entry_is_searchable_at_once(services: Services) -> None:
    receipt = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    moderation.approve(services, receipt.id, force=True)
    found = services.search("process hangs at interpreter exit")
    assert found.results[0].id == receipt.entry_id


def test_rejection_needs_a_note_and_is_final(services: Services) -> None:
    receipt = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    with pytest.raises(SubmissionInvalid):
        moderation.reject(services, receipt.id, note="  ")
    rejected = moderation.reject(services, receipt.id, note="duplicate of an entry")
    assert rejected.status == "rejected"
    with pytest.raises(moderation.TransitionRefused, match="rejected"):
        moderation.approve(services, receipt.id, force=True)
    with pytest.raises(moderation.SubmissionNotFound):
        moderation.reject(services, "sub-nope", note="x")


def test_a_submission_matching_an_entry_is_marked_as_its_duplicate(
    services: Services, entries_dir: Path
) -> None:
    seed = parse_entry(entries_dir / SEED)
    data = valid(title="Workers all wait on one lock", symptoms=seed.symptoms[:3])
    receipt = moderation.submit(services, SubmissionIn.model_validate(data), client_key="a")
    assert receipt.duplicate_of == SEED
    fresh = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    assert fresh.duplicate_of is None


def test_an_approved_submission_round_trips_through_export_and_load(
    services: Services, off_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = valid()
    data["fixes"][0]["check"] = "import runpy\nrunpy.run_path('snippet.py')\n"
    receipt = moderation.submit(services, SubmissionIn.model_validate(data), client_key="a")
    entry_id = moderation.approve(services, receipt.id, force=True)
    monkeypatch.setenv("ERRATA_DATA_DIR", str(off_settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(off_settings.entries_dir))
    out = tmp_path / "exported"
    assert errata_main(["export", entry_id, "--out", str(out)]) == 0
    with services.database.read() as session:
        original = store.get_entry_draft(session=session, entry_id=entry_id)
    assert parse_entry(out / entry_id) == original
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(fresh)
    assert sync_entries(fresh, out).added == [entry_id]
    with fresh.read() as session:
        assert store.get_entry_draft(session=session, entry_id=entry_id) == original
    fresh.dispose()
    write_entry(original, tmp_path / "again")  # writing it again gives the same files
    assert parse_entry(tmp_path / "again" / entry_id) == original


def test_submit_entry_over_mcp_uses_the_same_validation(services: Services) -> None:
    import anyio

    async def call() -> tuple[Any, Any]:
        async with Client(build_mcp(services)) as client:
            good = await client.call_tool("submit_entry", {"submission": valid()})
            bad = await client.call_tool("submit_entry", {"submission": valid(root_cause="")})
            return good, bad

    good, bad = anyio.run(call)
    assert not good.is_error and good.structured_content["status"] == "unverified"
    assert bad.is_error and "root_cause: explain the root cause" in bad.content[0].text


def _hits(database: Database, key: str, limit: int, count: int) -> list[float | None]:
    results = []
    for _ in range(count):
        with database.write() as session:
            results.append(
                store.hit_rate_limit(session=session, key=key, limit=limit, window_seconds=60)
            )
    return results


def test_the_rate_limit_tells_when_the_oldest_event_leaves_the_window(settings: Settings) -> None:
    database = Database.from_settings(settings)
    migrate(database)
    start = utcnow()
    with database.write() as session:
        for seconds in (0, 10):
            now = start + timedelta(seconds=seconds)
            assert (
                store.hit_rate_limit(session=session, key="k", limit=2, window_seconds=60, now=now)
                is None
            )
        retry = store.hit_rate_limit(
            session=session, key="k", limit=2, window_seconds=60, now=start + timedelta(seconds=15)
        )
        later = store.hit_rate_limit(
            session=session, key="k", limit=2, window_seconds=60, now=start + timedelta(seconds=61)
        )
    assert retry == 45 and later is None
    database.dispose()


def _limit_holds_across_processes(url: str) -> None:
    """Two engines (as two server processes would have), 8 threads each, one shared limit."""
    engines = [Database(url), Database(url)]
    migrate(engines[0])
    results: list[float | None] = []
    lock = threading.Lock()

    def worker(database: Database) -> None:
        got = _hits(database, "client-x", limit=5, count=4)
        with lock:
            results.extend(got)

    threads = [threading.Thread(target=worker, args=(engines[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 32
    assert sum(1 for r in results if r is None) == 5
    assert all(0 < r <= 60 for r in results if r is not None), results
    for database in engines:
        database.dispose()


def test_the_rate_limit_holds_across_processes_on_sqlite(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    _limit_holds_across_processes(settings.database_url)


@pytest.mark.postgres
def test_the_rate_limit_holds_across_processes_on_postgresql(postgres_url: str) -> None:
    _limit_holds_across_processes(postgres_url)


@pytest.mark.postgres
def test_the_contribution_flow_works_on_postgresql(pg_settings: Settings) -> None:
    settings = pg_settings.with_changes(sandbox="off", maintainer_token="maintainer-secret")
    with TestClient(create_app(settings)) as client:
        receipt = client.post("/api/submissions", json=valid())
        assert receipt.status_code == 202 and receipt.json()["status"] == "unverified"
        submission_id = receipt.json()["id"]
        approved = client.post(
            f"/api/submissions/{submission_id}/approve",
            json={"force": True, "note": "checked by hand"},
            headers={"Authorization": "Bearer maintainer-secret"},
        )
        assert approved.status_code == 200, approved.text
        page = client.get("/", params={"q": valid()["symptoms"][0]}).text
    assert f'href="/entries/{approved.json()["entry_id"]}"' in page  # found, sure or not


def test_a_submission_whose_job_was_given_up_is_settled_by_the_sweep_not_by_a_read(
    services: Services,
) -> None:
    receipt = moderation.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    with services.database.write() as session:  # as if the sandbox had been up at submit time
        store.transition_submission(
            session=session, submission_id=receipt.id, to="verifying", allowed_from=("unverified",)
        )
        store.enqueue_job(session=session, kind="submission", target_id=receipt.id)
        # claimed in the same transaction, so this app's own idle workers cannot take it first
        job = store.claim_job(session=session, owner="dead-worker", lease_seconds=60)
        assert job is not None
    with services.database.write() as session:  # its worker died on every attempt
        store.finish_job(
            session=session, job_id=job.id, owner="dead-worker", status="error", error="given up"
        )
    with services.database.read() as session:
        stuck = store.get_submission(session=session, submission_id=receipt.id)
    assert stuck is not None and stuck.status == "verifying"
    assert moderation.submission_public(services, stuck).status == "verifying"  # a read: no change
    assert settle_abandoned(services.database) == 1
    with services.database.read() as session:
        settled = store.get_submission(session=session, submission_id=receipt.id)
    assert settled is not None and settled.status == "unverified"
    assert settled.review_note == "verification did not finish: given up"
    assert settle_abandoned(services.database) == 0  # settled once
