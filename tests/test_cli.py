"""The `errata` command: load, show, export, run in-process as users run it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy
from errata.cli import main
from errata.cli.terminal import printable
from errata.cli.verify_entries import Progress, _print_text
from errata.config import Settings
from errata.db import Database
from errata.entry_files import parse_entries
from errata.harness.verify import SnippetResult


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point the CLI's environment at the test's data and entries folders."""
    monkeypatch.setenv("ERRATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(settings.entries_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return settings


def test_load_into_postgresql_leaves_the_planner_statistics_fresh(
    monkeypatch: pytest.MonkeyPatch, pg_settings: Settings
) -> None:
    monkeypatch.setenv("ERRATA_DATA_DIR", str(pg_settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(pg_settings.entries_dir))
    monkeypatch.setenv("DATABASE_URL", pg_settings.database_url)
    assert main(["load"]) == 0
    database = Database(pg_settings.database_url)
    with database.read() as session:
        query = "SELECT last_analyze, n_live_tup FROM pg_stat_user_tables WHERE relname = 'entry'"
        analyzed, rows = session.execute(sqlalchemy.text(query)).one()
    database.dispose()
    assert analyzed is not None  # set only by ANALYZE itself, never by autovacuum
    assert rows > 0


def test_load_twice_reports_nothing_changed_the_second_time(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load"]) == 0
    assert "0 unchanged" in capsys.readouterr().out
    assert main(["load"]) == 0
    assert "0 added, 0 updated, 0 retired" in capsys.readouterr().out
    assert (env.data_dir / "errata.db").exists()


def test_show_prints_the_entry_as_json(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    main(["load"])
    capsys.readouterr()
    assert main(["show", "agent-holds-lock-too-long"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert entry["id"] == "agent-holds-lock-too-long"


def test_show_of_an_unknown_id_fails_with_a_message(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["load"])
    assert main(["show", "nope"]) == 1
    assert "no entry with id 'nope'" in capsys.readouterr().err


def test_export_writes_entries_that_load_back_identically(env: Settings, tmp_path: Path) -> None:
    main(["load"])
    out = tmp_path / "exported"
    assert main(["export", "--out", str(out)]) == 0
    assert parse_entries(out) == parse_entries(env.entries_dir)


def test_a_bad_entry_file_fails_load_with_a_readable_error(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = env.entries_dir / "broken-entry"
    bad.mkdir()
    (bad / "entry.toml").write_text('id = "broken-entry"\n', encoding="utf-8")
    assert main(["load"]) == 2
    err = capsys.readouterr().err
    assert "broken-entry/entry.toml" in err
    assert "required field is missing" in err


def test_a_bad_setting_is_reported_not_raised(
    env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ERRATA_PORT", "eighty")
    assert main(["load"]) == 2
    assert "ERRATA_PORT must be an integer" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["serve", "load", "mcp", "show", "export", "verify", "search"])
def test_each_command_help_shows_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"example:\n  errata {command}" in out


def test_export_leaves_unchanged_entry_folders_alone(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["load"])
    toml = env.entries_dir / "agent-holds-lock-too-long" / "entry.toml"
    before = toml.read_bytes()
    capsys.readouterr()
    assert main(["export"]) == 0
    out = capsys.readouterr().out
    assert "wrote" not in out
    assert f"unchanged {env.entries_dir / 'agent-holds-lock-too-long'}" in out
    assert toml.read_bytes() == before


def test_verify_check_without_file_says_they_go_together(
    env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--check", "c.py"]) == 2
    assert "--check goes with --file" in capsys.readouterr().err


def test_errata_verify_prints_terminal_escapes_from_a_run_as_visible_text() -> None:
    hostile = SnippetResult(
        slug="s1",
        code_hash="h",
        status="failed",
        error="\x1b[2J\x1b[Hpassed\r",
        figures={"\x1b]0;owned\x07speedup": 9.0},
    )
    out, progress = io.StringIO(), io.StringIO()
    _print_text({"entry\x1b[31m": [hostile]}, {"entry\x1b[31m": {"s1": "note\x9b"}}, out)
    Progress(progress)(1, 1, "entry\x1b[31m", hostile)
    for text in (out.getvalue(), progress.getvalue()):
        assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in text), text
    assert "\\x1b]0;owned\\x07speedup=9.0" in out.getvalue() and "\\x1b[2J" in out.getvalue()
    assert printable("line one\nline two\tend") == "line one\nline two\tend"


# --- verify without a sandbox: the shipped records stand ------------------------------------


def _newest_runs(settings: Settings) -> set[tuple[str, str]]:
    """(source, status) of every snippet's newest run."""
    from errata import store
    from errata.db import Database

    database = Database.from_settings(settings)
    try:
        with database.read() as session:
            runs = store.latest_runs(
                session=session, entry_ids=store.active_entry_ids(session=session)
            )
    finally:
        database.dispose()
    return {(run.source, run.status) for run in runs.values()}


@pytest.fixture
def no_sandbox(env: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI's environment on a machine where the sandbox cannot run."""
    monkeypatch.setenv("ERRATA_SANDBOX", "off")
    return env


def test_verify_stale_without_a_sandbox_says_the_shipped_records_stand_and_exits_0(
    no_sandbox: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--stale"]) == 0
    out = capsys.readouterr().out
    assert "verification unavailable here: sandbox disabled by ERRATA_SANDBOX=off" in out
    assert "the shipped verification records stand" in out
    total = sum(len(f.snippets) for d in parse_entries(no_sandbox.entries_dir) for f in d.fixes)
    assert f"{total} of {total} snippets have a current record" in out
    assert {source for source, _ in _newest_runs(no_sandbox)} == {"record"}  # none run over them
    assert "unverified" not in {status for _, status in _newest_runs(no_sandbox)}


def test_verify_stale_without_a_sandbox_names_a_snippet_with_no_current_record(
    no_sandbox: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    snippet = no_sandbox.entries_dir / "agent-holds-lock-too-long" / "option-1.py"
    snippet.write_text(snippet.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert main(["verify", "--stale", "--json"]) == 3
    body = json.loads(capsys.readouterr().out)
    assert body["without_record"] == {"agent-holds-lock-too-long": ["option-1"]}
    assert body["records_stand"]["current"] == body["records_stand"]["total"] - 1
    assert body["verification"] == {
        "available": False,
        "reason": "sandbox disabled by ERRATA_SANDBOX=off",
    }


def test_verify_all_with_record_without_a_sandbox_exits_3_and_rewrites_nothing(
    no_sandbox: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    record = no_sandbox.entries_dir / "err-require-esm" / "verification.json"
    before = record.read_bytes()
    assert main(["verify", "--all", "--record"]) == 3
    captured = capsys.readouterr()
    assert "the shipped verification records stand" in captured.out
    assert "wrote" not in captured.err and record.read_bytes() == before
    assert {source for source, _ in _newest_runs(no_sandbox)} == {"record"}
