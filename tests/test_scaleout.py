"""Several real `errata serve` processes on one database: fresh indexes, shared jobs and limits."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from errata import store
from errata.config import Settings
from errata.db import Database
from errata.models import Job, VerificationRun
from errata.sync import prepare_database
from sqlmodel import col, func, select

from .cluster import TOKEN, call, copy_entries, server_env, submission, wait_for
from .liveserver import LiveServer, run_server

SEED = "agent-holds-lock-too-long"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """Only the seed entry: other work may be writing new entry folders right now."""
    return copy_entries(tmp_path / "entries")


def _two_servers(
    stack: ExitStack, tmp_path: Path, entries_dir: Path, url: str, **extra: str
) -> tuple[LiveServer, LiveServer]:
    servers = []
    for name in ("a", "b"):
        data = tmp_path / ("data" if not url else f"data-{name}")
        env = server_env(data, entries_dir, url, **extra)
        servers.append(stack.enter_context(run_server(env, tmp_path / f"{name}.log")))
    return servers[0], servers[1]


@pytest.mark.postgres
@pytest.mark.slow
def test_an_entry_approved_on_one_process_is_found_by_a_search_on_another_within_2_seconds(
    tmp_path: Path, entries_dir: Path, postgres_url: str
) -> None:
    with ExitStack() as stack:
        a, b = _two_servers(stack, tmp_path, entries_dir, postgres_url)
        query = "Zorblax7FrobnicationError: quux pipeline stalled at stage 7"
        status, _, before = call("POST", f"{b.url}/api/search", {"query": query})
        assert status == 200 and before["status"] == "no_match"

        status, _, receipt = call("POST", f"{a.url}/api/submissions", submission(7))
        assert status == 202, receipt
        status, _, approved = call(
            "POST", f"{a.url}/api/submissions/{receipt['id']}/approve",
            {"note": "scale-out test", "force": True}, token=TOKEN,
        )  # fmt: skip
        assert status == 200 and approved["status"] == "approved", approved
        approved_at = time.monotonic()

        def found_on_b() -> str | None:
            _, _, found = call("POST", f"{b.url}/api/search", {"query": query})
            top = found["results"][0]["id"] if found["results"] else None
            return top if top == approved["entry_id"] else None

        wait_for(found_on_b, deadline_s=2.0, what="the approved entry showing up on process B")
        assert time.monotonic() - approved_at < 2.0
        _, _, health = call("GET", f"{b.url}/api/health")
        assert health["index"]["full_builds"] == 1  # taken in as a delta, not a rebuild
        assert health["index"]["delta_entries"] >= 1


def _count_runs(database: Database, entry_id: str) -> int:
    with database.read() as session:
        query = select(func.count()).select_from(VerificationRun)
        query = query.where(VerificationRun.entry_id == entry_id)
        # Runs made here, not the shipped records imported on load (source "record").
        return int(session.exec(query.where(VerificationRun.source == "harness")).one())


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_run_every_job_exactly_once_and_take_up_a_job_whose_lease_expired(
    tmp_path: Path, entries_dir: Path, pg_settings: Settings
) -> None:
    database = prepare_database(pg_settings)
    with database.read() as session:
        snippets = len(store.snippets_to_verify(session=session, entry_id=SEED))
    with database.write() as session:  # a job claimed by a process that then died
        dead = store.enqueue_job(session=session, kind="entry", target_id=SEED)
        assert dead is not None
        store.claim_job(session=session, owner="gone:1:dead", lease_seconds=-1)
    with ExitStack() as stack:
        stack.callback(database.dispose)
        a, b = _two_servers(stack, tmp_path, entries_dir, pg_settings.database_url)
        job_ids = []
        for n in range(12):
            server = (a, b)[n % 2]
            status, _, queued = call("POST", f"{server.url}/api/entries/{SEED}/verify")
            assert status == 202, queued
            job_ids.append(queued["job_id"])

        def all_done() -> list[dict[str, Any]] | None:
            jobs = [call("GET", f"{a.url}/api/jobs/{job_id}")[2] for job_id in job_ids]
            return jobs if all(job["status"] == "done" for job in jobs) else None

        jobs = wait_for(all_done, deadline_s=60, every=0.2, what="every job finishing")
        assert [job["attempts"] for job in jobs] == [1] * len(jobs)
        assert all(len(job["results"]) == snippets for job in jobs)
        retaken = wait_for(
            lambda: (j := call("GET", f"{b.url}/api/jobs/{dead.id}")[2])["status"] == "done" and j,
            deadline_s=30,
            what="the expired job finishing",
        )
        assert retaken["attempts"] == 2
        assert _count_runs(database, SEED) == (len(job_ids) + 1) * snippets
        with database.read() as session:
            active = session.exec(
                select(func.count()).select_from(Job).where(col(Job.status) != "done")
            ).one()
        assert active == 0


@pytest.mark.postgres
@pytest.mark.slow
def test_the_submission_rate_limit_holds_across_two_processes_with_retry_after(
    tmp_path: Path, entries_dir: Path, postgres_url: str
) -> None:
    with ExitStack() as stack:
        a, b = _two_servers(
            stack, tmp_path, entries_dir, postgres_url, ERRATA_SUBMISSION_RATE_PER_MINUTE="4"
        )
        statuses = []
        for n in range(4):
            statuses.append(call("POST", f"{(a, b)[n % 2].url}/api/submissions", submission(n))[0])
        assert statuses == [202, 202, 202, 202]
        for server in (a, b):
            status, headers, body = call("POST", f"{server.url}/api/submissions", submission(9))
            assert status == 429, body
            assert 1 <= int(headers["retry-after"]) <= 60
            assert "too many submissions" in body["detail"]


def test_two_processes_writing_one_sqlite_file_never_fail_with_database_is_locked(
    tmp_path: Path, entries_dir: Path
) -> None:
    with ExitStack() as stack:
        a, b = _two_servers(
            stack,
            tmp_path,
            entries_dir,
            "",
            ERRATA_SUBMISSION_RATE_PER_MINUTE="100000",
            ERRATA_OUTCOME_RATE_PER_MINUTE="100000",
        )
        _, _, seed = call("GET", f"{a.url}/api/entries/{SEED}")
        fix_id = seed["fixes"][0]["id"]
        statuses: list[int] = []
        lock = threading.Lock()

        def submit(server: LiveServer, start: int) -> None:
            for n in range(start, start + 12):
                status = call("POST", f"{server.url}/api/submissions", submission(n), timeout=30)[0]
                with lock:
                    statuses.append(status)

        def report(server: LiveServer) -> None:
            body = {"fix_id": fix_id, "outcome": "worked"}
            for _ in range(15):
                url = f"{server.url}/api/entries/{SEED}/outcomes"
                status = call("POST", url, body, timeout=30)[0]
                with lock:
                    statuses.append(status)

        threads = [
            threading.Thread(target=submit, args=(a, 0)),
            threading.Thread(target=submit, args=(b, 100)),
            threading.Thread(target=report, args=(a,)),
            threading.Thread(target=report, args=(b,)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(set(statuses)) == [201, 202]
        assert len(statuses) == 2 * 12 + 2 * 15
    for name in ("a", "b"):
        log = (tmp_path / f"{name}.log").read_text(encoding="utf-8")
        assert "database is locked" not in log
        assert "Traceback" not in log
