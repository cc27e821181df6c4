"""REST verification: queue an entry, follow its job, health and search while sandboxes run."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from errata import store
from errata.app import create_app
from errata.config import Settings
from errata.db import Database
from errata.harness.sandbox import Sandbox
from errata.sync import prepare_database
from fastapi.testclient import TestClient

from .test_runner import GOOD, GOOD_CHECK, add_entry, basic_entry, make_settings, snippet

SLEEPY = "import time\n\n\ndef slow():\n    time.sleep(4)\n    return 'done'\n"
SLEEPY_CHECK = "from errata_check import load_snippet\nassert load_snippet()['slow']() == 'done'\n"


def services_db(client: TestClient) -> Database:
    """The running app's database."""
    database: Database = client.app.state.services.database  # type: ignore[attr-defined]
    return database


def wait_for_job(
    client: TestClient, job_id: str, *, until: str = "done", within: float = 60
) -> Any:
    """Poll the job until it reaches `until` (or any end state); fail at the deadline."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        body = client.get(f"/api/jobs/{job_id}").json()
        if body["status"] in (until, "done", "error"):
            return body
        time.sleep(0.05)
    pytest.fail(f"job {job_id} did not reach {until} within {within} s")


def started(settings: Settings) -> Iterator[TestClient]:
    """A TestClient with the app's lifespan (harness included) running."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def off_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app whose sandbox is turned off (ERRATA_SANDBOX=off)."""
    yield from started(make_settings(tmp_path, sandbox="off", verify_queue_size=1))


@pytest.fixture
def live_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app with the real sandbox; a failure in CI when it is unavailable."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        info = client.get("/api/health").json()["verification"]
        if not info["available"]:
            if os.environ.get("CI") == "true":
                pytest.fail(f"the sandbox must be available in CI: {info['reason']}")
            pytest.skip(f"sandbox unavailable here: {info['reason']}")
        yield client


def test_verifying_an_unknown_entry_gets_404_with_message(off_client: TestClient) -> None:
    response = off_client.post("/api/entries/no-such-entry/verify")
    assert response.status_code == 404
    assert response.json()["detail"] == "no entry with id 'no-such-entry'"
    assert off_client.post("/api/entries/Bad Id!/verify").status_code == 422


def test_an_unknown_job_gets_404_and_a_malformed_id_422(off_client: TestClient) -> None:
    response = off_client.get("/api/jobs/0123abcd")
    assert response.status_code == 404 and "0123abcd" in response.json()["detail"]
    assert off_client.get("/api/jobs/not-hex!").status_code == 422


def test_health_reports_verification_unavailable_and_the_queue_depth(
    off_client: TestClient,
) -> None:
    body = off_client.get("/api/health").json()
    assert body["verification"]["available"] is False
    assert "ERRATA_SANDBOX=off" in body["verification"]["reason"]
    assert body["verification"]["queue_depth"] == 0


def test_a_full_queue_answers_503_with_a_message(off_client: TestClient) -> None:
    database = services_db(off_client)
    basic_entry(database)
    with database.write() as session:  # a job of a kind no process here runs stays queued
        store.enqueue_job(session=session, kind="held-elsewhere", target_id="x")
    response = off_client.post("/api/entries/basic/verify")
    assert response.status_code == 503
    assert "queue is full" in response.json()["detail"] and response.headers["Retry-After"]
    assert off_client.get("/api/health").json()["verification"]["queue_depth"] == 1


def test_with_the_sandbox_off_a_job_records_every_snippet_unverified(
    off_client: TestClient,
) -> None:
    basic_entry(services_db(off_client))
    queued = off_client.post("/api/entries/basic/verify")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    job = wait_for_job(off_client, queued.json()["job_id"])
    assert job["status"] == "done"
    assert {r["snippet"]: r["status"] for r in job["results"]} == {
        "add": "unverified",
        "dump": "unverified",
        "dump-fixed": "unverified",
    }
    entry = off_client.get("/api/entries/basic").json()
    record = entry["fixes"][0]["snippets"][0]["verification"]
    assert record["status"] == "unverified" and "ERRATA_SANDBOX=off" in record["error"]
    assert entry["verified"] is False


@pytest.mark.sandbox
def test_verifying_an_entry_answers_202_and_the_entry_json_carries_the_runs(
    live_client: TestClient,
) -> None:
    basic_entry(services_db(live_client))
    queued = live_client.post("/api/entries/basic/verify")
    assert queued.status_code == 202
    job = wait_for_job(live_client, queued.json()["job_id"])
    assert job["status"] == "done"
    assert datetime.fromisoformat(job["finished_at"]).utcoffset() == timedelta(0)
    results = {r["snippet"]: r for r in job["results"]}
    assert results["add"]["status"] == "passed" and results["add"]["figures"] == {"sum": 5}
    assert results["dump"]["status"] == "failed" and "NameError" in results["dump"]["error"]
    snippets = live_client.get("/api/entries/basic").json()["fixes"][0]["snippets"]
    shown = {s["id"]: s["verification"] for s in snippets}
    assert shown["add"]["status"] == "passed" and shown["add"]["figures"] == {"sum": 5}
    assert shown["dump"]["status"] == "failed" and shown["dump-fixed"]["status"] == "passed"
    assert shown["add"]["code_hash"] == results["add"]["code_hash"]


@pytest.mark.sandbox
@pytest.mark.slow
def test_search_and_health_answer_while_a_long_verification_runs(live_client: TestClient) -> None:
    add_entry(services_db(live_client), "sleepy", [snippet("slow", SLEEPY, SLEEPY_CHECK)])
    job_id = live_client.post("/api/entries/sleepy/verify").json()["job_id"]
    assert wait_for_job(live_client, job_id, until="running")["status"] == "running"
    slowest = 0.0
    for path in ("/api/health", "/api/search?q=RuntimeError%3A+boom", "/api/entries/sleepy"):
        begin = time.monotonic()
        response = live_client.get(path)
        slowest = max(slowest, time.monotonic() - begin)
        assert response.status_code == 200, (path, response.text)
    health = live_client.get("/api/health").json()["verification"]
    assert health["running"] == 1 and health["queue_depth"] == 1
    assert live_client.get(f"/api/jobs/{job_id}").json()["status"] == "running"
    assert slowest < 1.0  # the snippet sleeps 4 s: nothing above waited for it
    done = wait_for_job(live_client, job_id)
    assert [r["status"] for r in done["results"]] == ["passed"]


def test_verify_on_start_queues_snippets_without_a_current_record(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, sandbox="off", verify_on_start=True)
    database = prepare_database(settings)
    add_entry(database, "fresh", [snippet("only", GOOD, GOOD_CHECK)])
    database.dispose()
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            record = client.get("/api/entries/fresh").json()["fixes"][0]["snippets"][0]
            if record["verification"]["error"]:
                break
            time.sleep(0.05)
        assert record["verification"]["status"] == "unverified"
        assert "ERRATA_SANDBOX=off" in record["verification"]["error"]


def test_a_real_sandbox_instance_is_reported_in_health(tmp_path: Path) -> None:
    sandbox = Sandbox()
    with TestClient(create_app(make_settings(tmp_path))) as client:
        info = client.get("/api/health").json()["verification"]
    assert info["available"] is sandbox.available
    assert info["sandbox_version"] == sandbox.version and info["concurrency"] == 2
