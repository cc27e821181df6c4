"""A fresh install without an upper bound takes the new major version and the old import fails;
pip with the snippet's constraints file installs the old one from the same index and it works. The
snippet reports the installed version from the package metadata and names the breaking install."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from errata_check import SNIPPET_FILE, load_snippet, record

OLD_APP = "import fakeai.error\nprint('ok', fakeai.error.RateLimitError.__name__)\n"
REPORT = ("import json, pins\nprint(json.dumps({'version': pins.installed_version('fakeai'),"
          " 'breaking': pins.breaking_installs({'fakeai': '1.0'})}))\n")


def wheel(folder: Path, version: str, files: dict[str, str]) -> Path:
    """A pure-Python wheel of `fakeai` at this version, as a package index would serve it."""
    info = f"fakeai-{version}.dist-info"
    members = {**files, f"{info}/METADATA": f"Metadata-Version: 2.1\nName: fakeai\nVersion: {version}\n",
               f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: check\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    lines = []
    for name, text in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(text.encode())}")
    members[f"{info}/RECORD"] = "\n".join([*lines, f"{info}/RECORD,,"]) + "\n"
    path = folder / f"fakeai-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def run(target: Path, project: Path, source: str) -> subprocess.CompletedProcess:
    (project / "app.py").write_text(source, encoding="utf-8")
    env = {"PYTHONPATH": f"{project}{os.pathsep}{target}", "PATH": os.environ.get("PATH", "/usr/bin")}
    return subprocess.run([sys.executable, "app.py"], cwd=project, env=env, capture_output=True, text=True, timeout=30)


root = Path(tempfile.mkdtemp())
index, project = root / "index", root / "project"
index.mkdir()
project.mkdir()
wheel(index, "0.28.1", {"fakeai/__init__.py": "from fakeai import error\n",
                        "fakeai/error.py": "class RateLimitError(Exception): pass\n"})
wheel(index, "1.3.0", {"fakeai/__init__.py": "class RateLimitError(Exception): pass\n"})
shutil.copy(SNIPPET_FILE, project / "pins.py")
ns = load_snippet()
constraints = ns["write_constraints"](root / "constraints.txt", {"fakeai": "1.0"})
assert constraints.read_text(encoding="utf-8") == "fakeai<1.0\n"
offline = ["--no-index", "--find-links", str(index), "--no-cache-dir", "--disable-pip-version-check", "-q"]
targets = {}
for label, command in (
    ("unpinned", [sys.executable, "-m", "pip", "install", "fakeai"]),
    ("pinned", ns["install_command"](["fakeai"], constraints)),
):
    targets[label] = root / label
    pip = subprocess.run([*command, *offline, "--target", str(targets[label])],
                         capture_output=True, text=True, timeout=60, env={"PATH": os.environ.get("PATH", "/usr/bin")})
    assert pip.returncode == 0, pip.stderr
assert ns["install_command"](["fakeai"], constraints)[:5] == [sys.executable, "-m", "pip", "install", "-c"]

wrong = run(targets["unpinned"], project, OLD_APP)
assert wrong.returncode != 0 and "ModuleNotFoundError: No module named 'fakeai.error'" in wrong.stderr, wrong.stderr
pinned = run(targets["pinned"], project, OLD_APP)
assert pinned.stdout.strip() == "ok RateLimitError", pinned.stderr
reports = {label: json.loads(run(target, project, REPORT).stdout) for label, target in targets.items()}
assert reports["pinned"] == {"version": "0.28.1", "breaking": []}, reports
assert reports["unpinned"] == {"version": "1.3.0", "breaking": [
    "fakeai 1.3.0 is installed; this code needs fakeai<1.0 until it is migrated"]}, reports

assert ns["release"]("1.24.0rc1") == (1, 24, 0) and ns["release"]("2.0") > ns["release"]("1.26.4")
hint = ns["removed_from_stdlib"]("distutils.util", (3, 12))
assert hint is not None and "Python 3.12 (this is 3.12)" in hint and "setuptools" in hint, hint
assert "legacy-cgi" in ns["removed_from_stdlib"]("cgi", (3, 13))
assert ns["removed_from_stdlib"]("cgi", (3, 12)) is None and ns["removed_from_stdlib"]("json", (3, 13)) is None
assert ns["removed_from_stdlib"]("imp") is None  # this Python (3.11) still has imp
record(wrong=wrong.stderr.strip().splitlines()[-1], reports=reports, distutils_hint=hint)
