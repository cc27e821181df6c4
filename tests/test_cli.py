"""The `errata` command: load, show, export, run in-process as users run it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from errata.cli import main
from errata.cli.terminal import printable
from errata.cli.verify_entries import Progress, _print_text
from errata.config import Settings
from errata.entry_files import parse_entries
from errata.harness.verify import SnippetResult


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point the CLI's environment at the test's data and entries folders."""
    monkeypatch.setenv("ERRATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(settings.entries_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return settings


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
