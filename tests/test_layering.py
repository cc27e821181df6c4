"""The layering STYLE.md asks for, checked on the source text."""

from __future__ import annotations

import re
from pathlib import Path

from server.config import REPO_ROOT

SERVER = REPO_ROOT / "server"
# Thin interfaces (HTTP, MCP, web) and the wiring that may import frameworks.
INTERFACE_PATTERNS = ("api*.py", "mcp_*.py", "web*.py", "registry.py", "http_errors.py")
WIRING = {"app.py", "cli.py", "deps.py", "security.py"}


def _interfaces() -> list[Path]:
    return sorted({p for pattern in INTERFACE_PATTERNS for p in SERVER.glob(pattern)})


def _imports(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:from|import)\s+([.\w]+)", text, flags=re.MULTILINE)


def _domain_modules() -> list[Path]:
    skip = WIRING | {p.name for p in _interfaces()}
    return [p for p in SERVER.rglob("*.py") if not (p.parent == SERVER and p.name in skip)]


def test_interfaces_never_import_the_loader() -> None:
    interfaces = _interfaces()
    assert len(interfaces) >= 6
    for path in interfaces:
        modules = _imports(path)
        loader = [m for m in modules if m.endswith(("sync", ".entries")) and "store" not in m]
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
