"""The skill's contributing guide shows an entry whose fix really passes errata's sandbox."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from errata.cli import main as cli_main
from errata.config import REPO_ROOT

from .sandbox_support import require_sandbox

pytestmark = pytest.mark.sandbox

GUIDE = REPO_ROOT / "skill" / "references" / "contributing.md"


def test_the_contributing_example_fix_passes_in_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_sandbox()
    block = re.search(r"```json\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert block, "the guide has a JSON example"
    fix = json.loads(block.group(1))["fixes"][0]
    (tmp_path / "code.py").write_text(fix["code"], encoding="utf-8")
    (tmp_path / "check.py").write_text(fix["check"], encoding="utf-8")
    code = cli_main(
        [
            "verify",
            "--file",
            str(tmp_path / "code.py"),
            "--check",
            str(tmp_path / "check.py"),
            "--json",
        ]
    )
    result = json.loads(capsys.readouterr().out)
    assert (code, result["status"]) == (0, "passed"), result["error"]
