"""Docs that tests keep honest: every setting is in the README's configuration table."""

from __future__ import annotations

import re

from errata.config import REPO_ROOT
from errata.verdicts import Shown

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


def test_the_security_model_says_what_verified_means_in_the_words_every_surface_uses() -> None:
    section = " ".join(README.split("## Security model", 1)[1].split("\n## ", 1)[0].split())
    for words in Shown:
        assert f'"{words}"' in section, words
    for must in ("ERRATA_MODE=production", "ERRATA_MAINTAINER_TOKEN", "ERRATA_ALLOWED_HOSTS"):
        assert must in section, must
