"""The layering STYLE.md asks for, checked on the source text."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from errata.config import REPO_ROOT

SERVER = REPO_ROOT / "server" / "errata"
# Thin interfaces (REST, web, MCP, CLI): packages that may import frameworks.
INTERFACE_PACKAGES = ("api", "web", "mcp_server", "cli")
# The wiring that builds an app and the web safety middleware.
WIRING = {"app.py"}
WIRING_PACKAGES = ("security",)  # web safety middleware and maintainer sessions


def _interfaces() -> list[Path]:
    return sorted(p for name in INTERFACE_PACKAGES for p in (SERVER / name).rglob("*.py"))


def _imports(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:from|import)\s+([.\w]+)", text, flags=re.MULTILINE)


def _domain_modules() -> list[Path]:
    interfaces = set(_interfaces())
    return [
        p
        for p in SERVER.rglob("*.py")
        if p not in interfaces
        and not (p.parent == SERVER and p.name in WIRING)
        and p.relative_to(SERVER).parts[0] not in WIRING_PACKAGES
    ]


def test_the_server_root_holds_stages_and_interfaces_as_packages() -> None:
    packages = {p.name for p in SERVER.iterdir() if (p / "__init__.py").is_file()}
    assert {"api", "web", "mcp_server", "cli", "contributions", "search", "store", "harness"} <= (
        packages
    )
    modules = sorted(p.name for p in SERVER.glob("*.py"))
    assert not [m for m in modules if m.startswith(("api_", "mcp_", "web_"))], modules
    assert len(modules) <= 16, f"the flat root grows again: {modules}"


def test_interfaces_never_import_the_loader() -> None:
    interfaces = [p for p in _interfaces() if "cli" not in p.parts]  # the CLI loads entries
    assert len(interfaces) >= 12
    for path in interfaces:
        modules = _imports(path)
        loader = [m for m in modules if m.endswith(("sync", "entry_files"))]
        assert not loader, f"{path} imports the loader: {loader}"


def test_domain_modules_never_import_web_or_mcp_frameworks() -> None:
    for path in _domain_modules():
        for module in _imports(path):
            assert not module.startswith(("fastapi", "starlette", "mcp")), f"{path}: {module}"


def test_only_the_store_package_builds_queries() -> None:
    query_import = re.compile(r"^from (sqlmodel|sqlalchemy)[.\w]* import [^\n]*\bselect\b", re.M)
    for path in SERVER.rglob("*.py"):
        if "store" in path.parts or path.name == "migrations.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not query_import.search(text), f"{path} builds a query outside server/store"


def test_every_text_open_names_its_encoding() -> None:
    for path in SERVER.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"\b(read_text|write_text)\(", line) or re.search(
                r"\bopen\([^)]*[\"']r?w?t?[\"']", line
            ):
                if 'b"' in line or "'rb'" in line or '"rb"' in line or '"wb"' in line:
                    continue
                assert "encoding" in line, f"{path}: {line.strip()}"


def test_ruff_bans_process_spawning_outside_the_harness_and_print_outside_the_cli(
    tmp_path: Path,
) -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    assert {"TID251", "T201"} <= set(lint["select"])
    offender = SERVER / "store" / "_layering_probe.py"
    offender.write_text('import subprocess\n\nprint(subprocess.run(["true"]))\n', "utf-8")
    try:
        found = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format=concise",
             str(offender)],
            capture_output=True, text=True, cwd=REPO_ROOT, check=False,
        )  # fmt: skip
    finally:
        offender.unlink()
    assert "TID251" in found.stdout and "T201" in found.stdout, found.stdout + found.stderr
