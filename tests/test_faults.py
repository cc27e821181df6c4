"""Faults: a server killed with SIGKILL mid-burst loses nothing acknowledged and leaves no job
stuck; PostgreSQL restarting under load makes requests fail fast with 503, then recover."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from errata.config import Settings
from errata.db import Database
from errata.models import Job, Submission
from sqlalchemy import text
from sqlmodel import col, select

from .cluster import call, copy_entries, server_env, submission, wait_for
from .liveserver import run_server
from .pgserver import PostgresServer

SEED = "agent-holds-lock-too-long"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """Only the seed entry: other work may be writing new entry folders right now."""
    return copy_entries(tmp_path / "entries")


def _integrity_problems(database: Database) -> list[str]:
    """SQLite's integrity_check, or amcheck over every btree index on PostgreSQL."""
    with database.engine.connect() as connection:
        if database.is_sqlite:
            rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            return [row for row in rows if row != "ok"]
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        indexes = connection.execute(
            text(
                "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam "
                "WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
            )
        ).scalars()
        for oid in list(indexes):  # raises on a corrupt index
            connection.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        connection.commit()
        return []


def _burst(url: str, acked: list[str], stop: threading.Event, offset: int) -> None:
    """Submit until told to stop or the server is gone; keep the ids it acknowledged."""
    for n in range(offset, offset + 500):
        if stop.is_set():
            return
        try:
            status, _, body = call("POST", f"{url}/api/submissions", submission(n), timeout=10)
        except OSError:  # the server died under us: nothing was acknowledged
            return
        if status == 202 and isinstance(body, dict) and body.get("id"):
            acked.append(body["id"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_kill_9_during_a_burst_of_submissions_loses_no_acknowledged_submission(
    backend: str, tmp_path: Path, entries_dir: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else ""
    env = server_env(
        tmp_path / "data", entries_dir, url, ERRATA_SUBMISSION_RATE_PER_MINUTE="1000000"
    )
    acked: list[str] = []
    stop = threading.Event()
    with run_server(env, tmp_path / "server.log") as server:
        threads = [
            threading.Thread(target=_burst, args=(server.url, acked, stop, 1000 * i))
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: len(acked) >= 40, deadline_s=60, what="40 acknowledged submissions")
            server.process.kill()  # SIGKILL: no shutdown, no flush
            server.process.wait(timeout=10)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
    database = Database(url or f"sqlite:///{tmp_path / 'data' / 'errata.db'}")
    try:
        assert _integrity_problems(database) == []
        with database.read() as session:
            stored = set(session.exec(select(Submission.id)))
        lost = [sid for sid in acked if sid not in stored]
        assert lost == [], f"{len(lost)} of {len(acked)} acknowledged submissions lost"
    finally:
        database.dispose()
    with run_server(env, tmp_path / "restart.log") as again:  # and it starts cleanly again
        for sid in acked[-5:]:
            assert call("GET", f"{again.url}/api/submissions/{sid}")[0] == 200


def _running_job(database: Database, target_id: str) -> Job | None:
    with database.read() as session:
        return session.exec(
            select(Job).where(Job.target_id == target_id, col(Job.status) == "running")
        ).first()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.sandbox
def test_a_job_whose_server_was_killed_is_finished_by_another_process_after_its_lease(
    tmp_path: Path, entries_dir: Path, pg_settings: Settings
) -> None:
    url = pg_settings.database_url
    # the lease is 2 x timeout + 30 s; a 3 s run gives ample time to kill the server mid-job
    extra = {"ERRATA_SANDBOX": "auto", "ERRATA_VERIFY_TIMEOUT_SECONDS": "5"}
    slow = submission(1)
    slow["fixes"][0]["code"] = "import time\ntime.sleep(3)\nprint('slept')\n"
    database = Database(url)
    try:
        with run_server(
            server_env(tmp_path / "a", entries_dir, url, **extra), tmp_path / "a.log"
        ) as a:
            _, _, health = call("GET", f"{a.url}/api/health")
            if not health["verification"]["available"]:
                pytest.skip(f"no sandbox here: {health['verification']['reason']}")
            status, _, receipt = call("POST", f"{a.url}/api/submissions", slow)
            assert status == 202 and receipt["status"] == "verifying", receipt
            job = wait_for(
                lambda: _running_job(database, receipt["id"]), deadline_s=30, what="job running"
            )
            a.process.kill()
            a.process.wait(timeout=10)
        assert job.lease_owner and job.lease_owner.split(":")[1] == str(a.process.pid)
        with run_server(
            server_env(tmp_path / "b", entries_dir, url, **extra), tmp_path / "b.log"
        ) as b:

            def finished() -> dict[str, Any] | None:
                body = call("GET", f"{b.url}/api/submissions/{receipt['id']}")[2]
                return body if body["status"] not in ("pending", "verifying") else None

            done = wait_for(finished, deadline_s=90, every=0.5, what="the job finishing on B")
        assert done["status"] == "ran_without_error", done  # it has no check
        with database.read() as session:
            final = session.get(Job, job.id)
        assert final is not None and final.status == "done" and final.attempts == 2
    finally:
        database.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_restarting_postgresql_under_load_gives_fast_503s_then_recovers_by_itself(
    tmp_path: Path, entries_dir: Path, postgres_url: str, postgres_server: PostgresServer
) -> None:
    env = server_env(tmp_path / "data", entries_dir, postgres_url)
    seen: list[tuple[str, int, float]] = []
    stop = threading.Event()
    lock = threading.Lock()
    with run_server(env, tmp_path / "server.log") as server:
        paths = [f"/api/entries/{SEED}", "/api/health", "/api/entries?limit=5"]

        def load(path: str) -> None:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = call("GET", f"{server.url}{path}", timeout=20)[0]
                except OSError:
                    status = -1
                with lock:
                    seen.append((path, status, time.monotonic() - started))
                time.sleep(0.02)

        threads = [threading.Thread(target=load, args=(path,)) for path in paths]
        for thread in threads:
            thread.start()
        try:
            time.sleep(0.5)
            postgres_server.stop("fast")
            down_from = len(seen)
            try:
                wait_for(
                    lambda: sum(s == 503 for _, s, _ in seen[down_from:]) >= 6,
                    deadline_s=30,
                    what="503s while PostgreSQL is down",
                )
            finally:
                postgres_server.start()
            up_from = len(seen)
            wait_for(
                lambda: all(
                    any(p == path and s == 200 for p, s, _ in seen[up_from:]) for path in paths
                ),
                deadline_s=30,
                what="every endpoint answering 200 again",
            )
            time.sleep(0.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
    statuses = {status for _, status, _ in seen}
    assert statuses <= {200, 503}, sorted(statuses)
    slowest_503 = max(elapsed for _, status, elapsed in seen if status == 503)
    assert slowest_503 < 8.0, f"a 503 took {slowest_503:.1f} s"
    assert [s for _, s, _ in seen[-len(paths) :]] == [200] * len(paths)
