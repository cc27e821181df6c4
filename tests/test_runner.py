"""The verification runner: jobs, leases and records, through the real sandbox and databases."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from errata import store
from errata.cli.verify_entries import run_verify_command
from errata.config import Settings
from errata.db import Database
from errata.harness.sandbox import Sandbox
from errata.models import EntryDraft, utcnow
from errata.services import make_harness
from errata.sync import prepare_database

from .conftest import TEST_HOSTS

GOOD = "def add(a, b):\n    return a + b\n"
GOOD_CHECK = (
    "from errata_check import load_snippet, record\n"
    "ns = load_snippet()\n"
    "assert ns['add'](2, 3) == 5\n"
    "record(sum=ns['add'](2, 3))\n"
)
MISSING_IMPORT = "def dump(value):\n    return json.dumps(value)\n"
FIXED_IMPORT = "import json\n\n\ndef dump(value):\n    return json.dumps(value)\n"
DUMP_CHECK = (
    "from errata_check import load_snippet\nns = load_snippet()\nassert ns['dump'](1) == '1'\n"
)


def snippet(slug: str, code: str, check: str | None, **extra: str) -> dict[str, str | None]:
    """One snippet of an entry draft."""
    return {"id": slug, "file": f"{slug}.py", "code": code, "check_code": check, **extra}


def add_entry(database: Database, entry_id: str, snippets: list[dict[str, str | None]]) -> None:
    """Store an entry (as a contributed one would be) with these snippets in one fix."""
    draft = EntryDraft.model_validate(
        {
            "id": entry_id,
            "title": f"Entry {entry_id}",
            "symptoms": [f"{entry_id} goes wrong"],
            "root_cause": "A cause.",
            "source": "tests",
            "fixes": [{"id": "the-fix", "title": "The fix", "snippets": snippets}],
        }
    )
    with database.write() as session:
        store.upsert_entry(session=session, draft=draft, from_files=False)


def basic_entry(database: Database, entry_id: str = "basic") -> None:
    """An entry with a passing snippet, a failing one and its passing correction."""
    add_entry(
        database,
        entry_id,
        [
            snippet("add", GOOD, GOOD_CHECK),
            snippet("dump", MISSING_IMPORT, DUMP_CHECK),
            snippet("dump-fixed", FIXED_IMPORT, DUMP_CHECK, kind="correction", corrects="dump"),
        ],
    )


def statuses(database: Database, entry_id: str) -> dict[str, tuple[str, bool]]:
    """Each snippet's (status, stale) as the entry JSON shows it."""
    with database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    assert entry is not None
    return {
        s.id: (s.verification.status, s.verification.stale) for f in entry.fixes for s in f.snippets
    }


def make_settings(tmp_path: Path, **changes: object) -> Settings:
    """Settings on a temp folder with an empty entries folder."""
    (tmp_path / "entries").mkdir(exist_ok=True)
    base = Settings(
        data_dir=tmp_path / "data",
        entries_dir=tmp_path / "entries",
        verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )
    return base.with_changes(**changes)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite file."""
    db = prepare_database(make_settings(tmp_path))
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite file, then a fresh PostgreSQL database."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    db = prepare_database(make_settings(tmp_path, database_url=url))
    yield db
    db.dispose()


@pytest.mark.sandbox
def test_a_job_through_the_real_sandbox_records_passed_and_failed_runs(
    tmp_path: Path, database: Database, sandbox: Sandbox
) -> None:
    basic_entry(database)
    harness = make_harness(make_settings(tmp_path), database, sandbox)
    job = harness.enqueue("entry", "basic")
    assert harness.run_pending() == 1
    status = harness.job_status(job.id)
    assert status is not None and status.status == "done"
    results = {r.snippet: r for r in status.results}
    assert results["add"].status == "passed" and results["add"].figures == {"sum": 5}
    assert results["dump"].status == "failed" and "NameError" in results["dump"].error
    assert results["dump-fixed"].status == "passed"
    assert results["add"].python_version and results["add"].sandbox_version == sandbox.version
    assert statuses(database, "basic") == {
        "add": ("passed", False),
        "dump": ("failed", False),
        "dump-fixed": ("passed", False),
    }


@pytest.mark.sandbox
def test_a_changed_snippet_becomes_stale_and_is_the_only_one_run_again(
    tmp_path: Path, database: Database, sandbox: Sandbox
) -> None:
    basic_entry(database)
    harness = make_harness(make_settings(tmp_path), database, sandbox)
    harness.verify_entries(["basic"])
    add_entry(
        database,
        "basic",
        [
            snippet("add", GOOD.replace("a + b", "b + a"), GOOD_CHECK),
            snippet("dump", MISSING_IMPORT, DUMP_CHECK),
            snippet("dump-fixed", FIXED_IMPORT, DUMP_CHECK, kind="correction", corrects="dump"),
        ],
    )
    assert statuses(database, "basic")["add"] == ("passed", True)
    with database.read() as session:
        assert store.entries_needing_verification(session=session) == ["basic"]
    rerun = harness.verify_entries(["basic"], only_stale=True)
    assert [o.slug for o in rerun["basic"]] == ["add"]
    assert statuses(database, "basic")["add"] == ("passed", False)


def test_an_expired_lease_is_claimed_again_and_the_dead_owner_cannot_finish(
    any_database: Database,
) -> None:
    with any_database.write() as session:
        queued = store.enqueue_job(session=session, kind="entry", target_id="x")
    assert queued is not None
    start = utcnow()
    with any_database.write() as session:
        first = store.claim_job(session=session, owner="dead", lease_seconds=60, now=start)
    with any_database.write() as session:
        assert store.claim_job(session=session, owner="alive", lease_seconds=60, now=start) is None
    later = start + timedelta(seconds=61)
    with any_database.write() as session:
        second = store.claim_job(session=session, owner="alive", lease_seconds=60, now=later)
    assert first is not None and second is not None
    assert second.id == first.id == queued.id and second.attempts == 2
    with any_database.write() as session:
        assert not store.renew_lease(
            session=session, job_id=queued.id, owner="dead", lease_seconds=60
        )
        assert store.finish_job(session=session, job_id=queued.id, owner="dead") is None
        done = store.finish_job(session=session, job_id=queued.id, owner="alive")
    assert done is not None and done.status == "done"


def test_a_job_whose_leases_keep_expiring_is_given_up(database: Database) -> None:
    with database.write() as session:
        job = store.enqueue_job(session=session, kind="entry", target_id="x")
    assert job is not None
    now = utcnow()
    for attempt in range(store.verification.MAX_ATTEMPTS):
        with database.write() as session:
            claimed = store.claim_job(
                session=session, owner=f"p{attempt}", lease_seconds=1, now=now
            )
        assert claimed is not None
        now += timedelta(seconds=2)
    with database.write() as session:
        assert store.claim_job(session=session, owner="last", lease_seconds=1, now=now) is None
        given_up = store.get_job(session=session, job_id=job.id)
    assert given_up is not None and given_up.status == "error" and "given up" in given_up.error


def test_a_job_left_by_a_dead_process_is_finished_by_another_harness(
    tmp_path: Path, database: Database
) -> None:
    basic_entry(database)
    settings = make_settings(tmp_path, sandbox="off")
    harness = make_harness(settings, database)
    job = harness.enqueue("entry", "basic")
    with database.write() as session:
        past = utcnow() - timedelta(hours=1)
        store.claim_job(session=session, owner="killed-process", lease_seconds=60, now=past)
    assert harness.run_pending() == 1
    status = harness.job_status(job.id)
    assert status is not None and status.status == "done" and status.attempts == 2
    assert {r.snippet for r in status.results} == {"add", "dump", "dump-fixed"}


def test_two_claimers_never_get_the_same_job(any_database: Database) -> None:
    with any_database.write() as session:
        for n in range(30):
            store.enqueue_job(session=session, kind="entry", target_id=f"e{n}")
    claimed: dict[str, list[str]] = {f"owner{i}": [] for i in range(4)}
    barrier = threading.Barrier(len(claimed))

    def claim_all(owner: str) -> None:
        barrier.wait()
        while True:
            with any_database.write() as session:
                job = store.claim_job(session=session, owner=owner, lease_seconds=60)
            if job is None:
                return
            claimed[owner].append(job.id)

    threads = [threading.Thread(target=claim_all, args=(owner,)) for owner in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    every = [job_id for ids in claimed.values() for job_id in ids]
    assert len(every) == 30 and len(set(every)) == 30


def test_two_harnesses_on_one_database_run_each_job_exactly_once(
    tmp_path: Path, any_database: Database
) -> None:
    settings = make_settings(tmp_path, sandbox="off")
    for n in range(6):
        add_entry(any_database, f"entry-{n}", [snippet("only", GOOD, GOOD_CHECK)])
    first, second = make_harness(settings, any_database), make_harness(settings, any_database)
    jobs = [first.enqueue("entry", f"entry-{n}") for n in range(6)]
    counts: list[int] = []
    threads = [
        threading.Thread(target=lambda h=h: counts.append(h.run_pending())) for h in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 6
    for job in jobs:
        status = first.job_status(job.id)
        assert status is not None and status.status == "done" and status.attempts == 1
        assert [r.status for r in status.results] == ["unverified"]


def test_fail_closed_with_the_sandbox_off_records_unverified_and_runs_nothing(
    tmp_path: Path, database: Database
) -> None:
    marker = tmp_path / "ran"
    add_entry(
        database, "writes", [snippet("write", f"open({str(marker)!r}, 'w').write('x')\n", None)]
    )
    harness = make_harness(make_settings(tmp_path, sandbox="off"), database)
    assert harness.describe()["available"] is False
    job = harness.enqueue("entry", "writes")
    harness.run_pending()
    status = harness.job_status(job.id)
    assert status is not None and status.status == "done"
    (record,) = status.results
    assert record.status == "unverified" and "ERRATA_SANDBOX=off" in record.error
    assert record.exit_code is None and not marker.exists()
    assert harness.describe()["reason"] == "sandbox disabled by ERRATA_SANDBOX=off"


def test_the_queue_bound_refuses_a_job_when_full(tmp_path: Path, database: Database) -> None:
    from errata.harness.jobs import QueueFull

    basic_entry(database)
    harness = make_harness(make_settings(tmp_path, sandbox="off", verify_queue_size=2), database)
    harness.enqueue("entry", "basic")
    harness.enqueue("entry", "basic")
    with pytest.raises(QueueFull, match="queue is full"):
        harness.enqueue("entry", "basic")
    assert harness.describe()["queue_depth"] == 2
    harness.run_pending()
    assert harness.enqueue("entry", "basic").status == "queued"


@pytest.mark.sandbox
def test_cli_verify_prints_a_summary_and_exits_0_when_failures_are_corrected(
    tmp_path: Path, database: Database, sandbox: Sandbox
) -> None:
    basic_entry(database)
    harness = make_harness(make_settings(tmp_path), database, sandbox)
    out, err = io.StringIO(), io.StringIO()
    code = run_verify_command(
        database, harness, ["basic"], all_=False, stale=False, as_json=True, out=out, err=err
    )
    body = json.loads(out.getvalue())
    assert code == 0 and body["exit_code"] == 0 and body["unexpected"] == {}
    assert [o["status"] for o in body["entries"]["basic"]] == ["passed", "failed", "passed"]
    assert "verify 3/3" in err.getvalue()


@pytest.mark.sandbox
def test_cli_verify_exits_1_when_a_failure_has_no_passing_correction(
    tmp_path: Path, database: Database, sandbox: Sandbox
) -> None:
    add_entry(database, "broken", [snippet("dump", MISSING_IMPORT, DUMP_CHECK)])
    harness = make_harness(make_settings(tmp_path), database, sandbox)
    out = io.StringIO()
    code = run_verify_command(
        database, harness, [], all_=True, stale=False, as_json=False, out=out, err=io.StringIO()
    )
    assert code == 1
    assert "failed with no passing correction" in out.getvalue() and "NameError" in out.getvalue()


def test_cli_verify_refuses_an_unknown_id_and_reports_an_unavailable_sandbox(
    tmp_path: Path, database: Database
) -> None:
    basic_entry(database)
    harness = make_harness(make_settings(tmp_path, sandbox="off"), database)
    err = io.StringIO()
    code = run_verify_command(
        database,
        harness,
        ["nope"],
        all_=False,
        stale=False,
        as_json=False,
        out=io.StringIO(),
        err=err,
    )
    assert code == 2 and "no entry with id nope" in err.getvalue()
    out = io.StringIO()
    code = run_verify_command(
        database, harness, [], all_=False, stale=True, as_json=False, out=out, err=io.StringIO()
    )
    assert code == 3 and "verification unavailable" in out.getvalue()


@pytest.mark.sandbox
def test_stopping_the_runner_kills_its_sandbox_run_and_requeues_the_job_unrecorded(
    tmp_path: Path, database: Database, sandbox: Sandbox
) -> None:
    import asyncio
    import time

    sleepy = "import time\n\n\ndef slow():\n    time.sleep(30)\n"
    add_entry(
        database,
        "sleepy",
        [
            snippet(
                "slow", sleepy, "from errata_check import load_snippet\nload_snippet()['slow']()\n"
            )
        ],
    )
    harness = make_harness(make_settings(tmp_path), database, sandbox, poll_seconds=0.05)

    queued: list[str] = []

    async def start_then_stop() -> float:
        await harness.start()
        queued.append(harness.enqueue("entry", "sleepy").id)
        deadline = time.monotonic() + 20
        while harness.running == 0:
            assert time.monotonic() < deadline, "the job never started"
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # inside the sandbox by now
        begin = time.monotonic()
        await harness.stop()
        return time.monotonic() - begin

    assert asyncio.run(start_then_stop()) < 5
    with database.read() as session:
        job = store.get_job(session=session, job_id=queued[0])
    assert job is not None and job.status == "queued" and job.lease_owner is None
    assert statuses(database, "sleepy") == {"slow": ("unverified", False)}  # nothing recorded


def test_a_wake_up_at_the_moment_of_shutdown_never_keeps_the_harness_running(
    database: Database, tmp_path: Path
) -> None:
    async def start_wake_stop(rounds: int) -> None:
        for _ in range(rounds):
            harness = make_harness(make_settings(tmp_path, sandbox="off"), database)
            await harness.start()
            await asyncio.sleep(0.01)  # the workers are idle, waiting to be woken
            assert harness._wake is not None
            harness._wake.set()  # a job was queued just as the app stops
            await asyncio.wait_for(harness.stop(), timeout=5)

    asyncio.run(start_wake_stop(20))
