"""errata installed the way agents' tools are: the built wheel in a fresh environment, started
by a client from an unrelated folder, with the knowledge and its proof inside the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from errata import __version__
from errata.config import REPO_ROOT
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

from .liveserver import run_server
from .test_registry import Clawhub, _require_node_tools
from .test_skill import SEED, SEED_TRACE, run_script

pytestmark = pytest.mark.slow
QUEUEPOOL = (
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
    "connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"
)


@dataclass
class Installed:
    """A fresh virtual environment outside the checkout with the built wheel installed."""

    venv: Path
    home: Path  # HOME for every process started from it
    cwd: Path  # an unrelated project folder the client starts errata in

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def env(self, **extra: str) -> dict[str, str]:
        keep = {"PATH", "LANG", "LC_ALL", "TMPDIR"}
        base = {k: v for k, v in os.environ.items() if k in keep}
        return {**base, "HOME": str(self.home), "ERRATA_SANDBOX": "off", **extra}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), capture_output=True, text=True, env=self.env(), cwd=self.cwd, timeout=120
        )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build`: the sdist, and the wheel built from that sdist (as a publisher does)."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Installed:
    """`pip install` of the built wheel into a new venv outside the checkout."""
    root = tmp_path_factory.mktemp("install")
    wheel = next(dist.glob("errata-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    (root / "home").mkdir()
    (root / "project").mkdir()
    return Installed(venv=venv, home=root / "home", cwd=root / "project")


def _text(result: CallToolResult) -> str:
    assert not result.is_error, result.content
    return "".join(getattr(block, "text", "") for block in result.content)


@pytest.mark.anyio
async def test_errata_mcp_from_the_wheel_finds_the_seed_with_fixes_verified_by_the_records(
    installed: Installed,
) -> None:
    params = StdioServerParameters(
        command=installed.bin("errata"),
        args=["mcp"],
        env=installed.env(),
        cwd=installed.cwd,
    )
    async with Client(params, read_timeout_seconds=120) as client:
        answers = [
            json.loads(
                _text(await client.call_tool("search_errors", {"query": q, "detail": "full"}))
            )
            for q in (QUEUEPOOL, SEED_TRACE)
        ]
    for answer in answers:  # a bare pool timeout is a differential: the seed among its causes
        seed = next(result for result in answer["results"] if result["id"] == SEED)
        labels = [fix["verification"]["label"] for fix in seed["fixes"]]
        assert labels and all(
            label.startswith("verified by errata's harness on ") for label in labels
        )
        assert all("(Python 3." in label for label in labels)
    assert list(installed.cwd.iterdir()) == []  # nothing written in the client's folder
    assert (installed.home / ".local" / "share" / "errata" / "errata.db").is_file()


def test_the_sdist_and_the_wheel_pass_twine_check_and_carry_the_entries(dist: Path) -> None:
    files = sorted(p.name for p in dist.iterdir())
    assert [f for f in files if f.endswith(".tar.gz")] == [f"errata-{__version__}.tar.gz"]
    assert [f for f in files if f.endswith(".whl")] == [f"errata-{__version__}-py3-none-any.whl"]
    twine = Path(sys.executable).with_name("twine")
    checked = subprocess.run(
        [str(twine), "check", "--strict", *(str(dist / f) for f in files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2
    with zipfile.ZipFile(dist / f"errata-{__version__}-py3-none-any.whl") as wheel:
        names = wheel.namelist()
    assert f"errata/_data/entries/{SEED}/verification.json" in names
    assert "errata/_data/skill/SKILL.md" in names


def test_the_wheel_installs_errata_and_no_top_level_server_package(installed: Installed) -> None:
    python = installed.bin("python")
    assert installed.run(python, "-c", "import errata").returncode == 0
    server = installed.run(python, "-c", "import server")
    assert server.returncode != 0 and "No module named 'server'" in server.stderr
    where = "from errata.config import shipped; print(shipped('entries'))"
    shipped = installed.run(python, "-c", where)
    assert "site-packages/errata/_data/entries" in shipped.stdout


def test_one_version_is_shown_by_the_cli_and_the_health_route(installed: Installed) -> None:
    shown = installed.run(installed.bin("errata"), "--version")
    assert shown.stdout.strip() == f"errata {__version__}"
    with (
        run_server(
            installed.env(ERRATA_VERIFY_ON_START="0"),
            installed.home / "serve.log",
            python=installed.bin("python"),
            cwd=installed.cwd,
        ) as live,
        urllib.request.urlopen(f"{live.url}/api/health", timeout=10) as response,
    ):
        health = json.loads(response.read())
    assert health["version"] == __version__


@pytest.fixture(scope="module")
def wheel_registry(installed: Installed) -> Iterator[str]:
    """The wheel's own `errata serve`: its packaged entries and skill, the user's data folder."""
    with run_server(
        installed.env(ERRATA_VERIFY_ON_START="0"),
        installed.home / "registry.log",
        python=installed.bin("python"),
        cwd=installed.cwd,
    ) as live:
        yield live.url


@pytest.mark.node
def test_clawhub_installs_the_skill_from_the_wheel_and_it_finds_its_server(
    wheel_registry: str, tmp_path: Path
) -> None:
    _require_node_tools()
    clawhub = Clawhub(home=tmp_path / "clawhub-home")
    workdir = tmp_path / "agent-project"
    result = clawhub("install", "errata", "--registry", wheel_registry, "--workdir", str(workdir))
    assert result.returncode == 0, result.stdout + result.stderr
    script = workdir / "skills" / "errata" / "scripts" / "errata.py"
    found = run_script("search", url=None, stdin=SEED_TRACE, script=script)
    assert found.returncode == 0, found.stdout + found.stderr
    first = next(line for line in found.stdout.splitlines() if line.startswith("1. "))
    assert first.split()[1] == SEED
    shutil.rmtree(workdir)
