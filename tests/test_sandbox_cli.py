"""`errata verify --file`: one file through the real sandbox, its result as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from errata.cli import main as cli_main
from errata.config import REPO_ROOT
from errata.harness.sandbox import Sandbox

pytestmark = pytest.mark.sandbox


def test_verify_file_prints_the_result_as_json(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text("def inc(x):\n    return x + 1\n", encoding="utf-8")
    check = tmp_path / "check.py"
    check.write_text(
        "from errata_check import load_snippet, record\n"
        "ns = load_snippet()\nassert ns['inc'](1) == 2\n"
        "print('checked')\nrecord(inc=ns['inc'](1))\n",
        encoding="utf-8",
    )
    code = cli_main(["verify", "--file", str(snippet), "--check", str(check), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["status"] == "passed"
    assert payload["exit_code"] == 0
    assert payload["figures"] == {"inc": 2}
    assert payload["stdout"].startswith("checked\n")
    assert payload["stderr"] == ""
    assert payload["duration_ms"] > 0


def test_verify_file_of_a_failing_snippet_exits_non_zero(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text("raise ValueError('nope')\n", encoding="utf-8")
    code = cli_main(["verify", "--file", str(snippet), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1
    assert payload["status"] == "failed"
    assert payload["error"] == "ValueError: nope (snippet.py, line 1)"


def test_verify_file_refuses_clearly_when_the_sandbox_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran"
    snippet = tmp_path / "snippet.py"
    snippet.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    monkeypatch.setenv("ERRATA_SANDBOX", "off")
    code = cli_main(["verify", "--file", str(snippet), "--json"])
    captured = capsys.readouterr()
    assert code == 3
    assert captured.out == ""
    assert "verification unavailable, nothing was run" in captured.err
    assert "ERRATA_SANDBOX=off" in captured.err
    assert not marker.exists()


def test_verify_file_of_a_missing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(["verify", "--file", str(tmp_path / "absent.py"), "--json"])
    assert code == 2
    assert "cannot read file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")], ids=["ci", "not-ci"]
)
def test_an_unavailable_sandbox_fails_the_suite_under_ci_and_skips_elsewhere(
    ci: str, outcome: str
) -> None:
    env = {**os.environ, "CI": ci, "ERRATA_SANDBOX": "off"}
    test = "tests/test_sandbox.py::test_a_snippet_without_check_is_the_program_itself"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert outcome in done.stdout, done.stdout[-2000:]
    assert "ERRATA_SANDBOX=off" in done.stdout
    assert ("sandbox unavailable under CI" in done.stdout) == (ci == "true")
    assert (done.returncode != 0) == (ci == "true")
