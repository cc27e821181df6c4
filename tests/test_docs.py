"""Docs that tests keep honest: every setting is in the README's configuration table."""

from __future__ import annotations

import re

from errata.config import REPO_ROOT

CONFIG = (REPO_ROOT / "server" / "errata" / "config.py").read_text(encoding="utf-8")
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _configuration_table() -> str:
    section = README.split("## Configuration", 1)[1]
    return section.split("\n## ", 1)[0]


def test_every_setting_read_from_the_environment_is_documented() -> None:
    names = set(re.findall(r'"((?:ERRATA_[A-Z_]+)|DATABASE_URL)"', CONFIG))
    assert len(names) >= 15
    table = _configuration_table()
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, f"settings missing from the README table: {missing}"


def test_the_readme_gives_exactly_the_two_commands() -> None:
    block = README.split("## Two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_the_readme_test_command_and_nothing_else() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [ln for ln in script.splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[-1].strip() == "make test"
    assert all(ln.startswith(("set ", "cd ")) for ln in lines[:-1])
