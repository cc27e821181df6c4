"""What runs leave in the database: flags, statuses a maintainer must look at, pruned history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from errata import store
from errata.config import Settings
from errata.contributions import lifecycle as moderation
from errata.contributions.submission import SubmissionIn
from errata.db import Database
from errata.harness.sandbox import Sandbox
from errata.migrations import migrate
from errata.models import VerificationRun
from errata.services import Services, make_harness
from errata.sync import prepare_database
from errata.verdicts import Shown, counts_as_passed, shown, submission_status
from sqlalchemy import inspect, text
from sqlmodel import col, select

from .test_moderation import valid

PASSING_CHECK = (
    "from errata_check import load_snippet\nns = load_snippet()\nassert ns['total'] == 3\n"
)


def make_settings(tmp_path: Path) -> Settings:
    (tmp_path / "entries").mkdir(exist_ok=True)
    return Settings(
        data_dir=tmp_path / "data", entries_dir=tmp_path / "entries", verify_on_start=False
    )


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = prepare_database(make_settings(tmp_path))
    yield db
    db.dispose()


def run_slugs(database: Database, submission_id: str) -> list[tuple[str, str]]:
    with database.read() as session:
        query = select(VerificationRun).where(VerificationRun.submission_id == submission_id)
        runs = session.exec(query.order_by(col(VerificationRun.id))).all()
        return [(run.snippet_slug, run.code_hash) for run in runs]


# -- pure derivations ------------------------------------------------------------------------


def test_the_three_labels_say_what_was_shown_and_by_whom() -> None:
    assert shown("passed", "curated") == Shown.ERRATA_CHECK_PASSED == "errata's check passed"
    assert shown("passed", "contributed") == "the contributor's check passed"
    assert shown("ran_without_error", "curated") == "ran without error"
    assert shown("failed", "curated") is None
    assert shown("passed", "contributed", [{"code": "atexit"}], reviewed=False) is None


def test_a_flag_withholds_a_pass_only_until_a_maintainer_has_looked() -> None:
    assert counts_as_passed("passed") and not counts_as_passed("ran_without_error")
    assert not counts_as_passed("passed", [{"code": "os-exit"}], reviewed=False)
    assert counts_as_passed("passed", [{"code": "os-exit"}], reviewed=True)


def test_a_submissions_status_says_failed_flagged_verified_or_ran_without_error() -> None:
    assert submission_status([("passed", []), ("failed", [])]) == "failed"
    assert submission_status([("passed", [{"code": "atexit"}]), ("passed", [])]) == "flagged"
    assert submission_status([("passed", []), ("passed", [])]) == "verified"
    assert submission_status([("passed", []), ("ran_without_error", [])]) == "ran_without_error"
    assert submission_status([("unverified", [])]) == submission_status([]) == "unverified"


# -- the database ----------------------------------------------------------------------------


def test_recording_a_run_for_new_code_drops_the_runs_of_older_code(database: Database) -> None:
    with database.write() as session:
        for digest in ("old", "old", "new"):
            store.record_run(
                session=session, submission_id="s1", snippet_slug="fix-1", code_hash=digest,
                status="passed", stdout="x" * 100,
            )  # fmt: skip
        store.record_run(
            session=session, submission_id="s1", snippet_slug="fix-2", code_hash="old",
            status="failed",
        )  # fmt: skip
    assert run_slugs(database, "s1") == [("fix-1", "new"), ("fix-2", "old")]


def test_migration_2_adds_the_flags_column_to_a_database_made_before_it(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(database)
    with database.engine.begin() as connection:  # the schema as migration 1 left it
        connection.execute(text("ALTER TABLE verificationrun DROP COLUMN flags"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version = 2"))
        connection.execute(
            text(
                "INSERT INTO verificationrun (snippet_slug, code_hash, status, error, duration_ms,"
                " figures, stdout, stderr, python_version, sandbox_version, created_at)"
                " VALUES ('a', 'h', 'passed', '', 0, '{}', '', '', '', '', CURRENT_TIMESTAMP)"
            )
        )
    assert migrate(database) == [2]
    assert "flags" in {c["name"] for c in inspect(database.engine).get_columns("verificationrun")}
    with database.read() as session:
        (run,) = session.exec(select(VerificationRun)).all()
    assert run.flags == []
    assert migrate(database) == []
    database.dispose()


# -- through the real sandbox ----------------------------------------------------------------


@pytest.fixture
def services(tmp_path: Path, database: Database, sandbox: Sandbox) -> Services:
    settings = make_settings(tmp_path)
    return Services(settings, database, harness=make_harness(settings, database, sandbox))


def submit_and_verify(services: Services, code: str, check: str) -> str:
    data: dict[str, Any] = valid()
    data["fixes"][0].update(code=code, check=check)
    receipt = moderation.submit(services, SubmissionIn.model_validate(data), client_key="k")
    assert services.harness.run_pending() == 1
    return receipt.id


def submission_state(services: Services, submission_id: str) -> str:
    with services.database.read() as session:
        submission = store.get_submission(session=session, submission_id=submission_id)
    assert submission is not None
    return submission.status


@pytest.mark.sandbox
def test_a_passing_but_flagged_submission_waits_for_a_maintainer(services: Services) -> None:
    code = "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_DFL)\ntotal = 1 + 2\n"
    submission_id = submit_and_verify(services, code, PASSING_CHECK)
    assert submission_state(services, submission_id) == "flagged"
    with pytest.raises(moderation.TransitionRefused):
        moderation.approve(services, submission_id)
    entry_id = moderation.approve(services, submission_id, force=True, note="handler is fine")
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    assert entry is not None and entry.verified  # the maintainer has looked
    record = entry.fixes[0].snippets[0].verification
    assert record.status == "passed"
    assert [(f.code, f.line, f.file) for f in record.flags] == [("signal-handler", 2, "snippet")]


@pytest.mark.sandbox
def test_a_submission_with_a_clean_passing_check_is_verified(services: Services) -> None:
    submission_id = submit_and_verify(services, "total = 1 + 2\n", PASSING_CHECK)
    assert submission_state(services, submission_id) == "verified"


@pytest.mark.sandbox
def test_a_submission_without_a_check_only_ran_without_error(services: Services) -> None:
    submission_id = submit_and_verify(services, "total = 1 + 2\n", "")
    assert submission_state(services, submission_id) == "ran_without_error"
    entry_id = moderation.approve(services, submission_id, force=True, note="no check")
    with services.database.read() as session:
        entry = store.get_entry(session=session, entry_id=entry_id)
    assert entry is not None and not entry.verified
