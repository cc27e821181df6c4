"""The README's per-client recipes: each names its file or command, and each config parses to
a server that runs `errata mcp` (the wheel's stdio test runs that very command)."""

from __future__ import annotations

import json
import re
import shlex
import tomllib

from errata.config import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Install it for your agent", 1)[1].split("\n## ", 1)[0]
STDIO = {"command": "errata", "args": ["mcp"]}


def _block(language: str, after: str) -> str:
    """The first fenced block of `language` after the text `after` in the install section."""
    tail = SECTION.split(after, 1)[1]
    match = re.search(rf"```{language}\n(.*?)```", tail, re.S)
    assert match, f"no {language} block after {after!r}"
    return "\n".join(line.strip() for line in match.group(1).splitlines())


def _commands() -> list[list[str]]:
    found = re.findall(r"`((?:claude|pipx|uv|uvx) [^`]+)`", SECTION)
    shell = _block("sh", "From a clone")
    found += [line.split("#")[0] for line in shell.splitlines() if line.strip()]
    return [shlex.split(command) for command in found]


def test_cursor_recipe_names_its_file_and_runs_errata_mcp() -> None:
    assert "`.cursor/mcp.json`" in SECTION
    config = json.loads(_block("json", "**Cursor**"))
    assert config["mcpServers"]["errata"] == STDIO


def test_vscode_recipe_names_its_file_and_runs_errata_mcp() -> None:
    assert "`.vscode/mcp.json`" in SECTION
    config = json.loads(_block("json", "**VS Code**"))
    assert config["servers"]["errata"] == {"type": "stdio", **STDIO}


def test_codex_recipe_names_its_file_and_runs_errata_mcp() -> None:
    assert "`~/.codex/config.toml`" in SECTION
    config = tomllib.loads(_block("toml", "**Codex**"))
    assert config["mcp_servers"]["errata"] == STDIO


def test_claude_code_recipes_add_the_stdio_command_and_the_http_endpoint() -> None:
    commands = [c for c in _commands() if c[0] == "claude"]
    assert ["claude", "mcp", "add", "errata", "--", "errata", "mcp"] in commands
    http = ["claude", "mcp", "add", "--transport", "http", "errata"]
    assert any(c[:6] == http and c[6].endswith("/mcp") for c in commands)


def test_install_commands_from_a_clone_give_the_errata_command() -> None:
    commands = _commands()
    assert ["pipx", "install", "/path/to/errata"] in commands
    assert ["uv", "tool", "install", "/path/to/errata"] in commands
    assert ["uvx", "--from", "/path/to/errata", "errata", "mcp"] in commands
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert scripts["project"]["scripts"]["errata"] == "errata.cli:main"


def test_operations_material_lives_in_docs_not_the_readme() -> None:
    operations = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for topic in ("upstream errata", "FOR UPDATE SKIP LOCKED", "Retry-After"):
        assert topic in operations and topic not in README
