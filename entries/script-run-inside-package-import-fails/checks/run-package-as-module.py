"""A package's file run by its path fails to import its own package; run as a module, or through
the installed command, the same file works from any folder."""

import base64
import hashlib
import os
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
base = Path(tempfile.mkdtemp())
CONFIG = 'NAME = "demo"\n'
MAIN = "def main():\n    print(f'{NAME} ok, sys.path[0]={sys.path[0]}')\nif __name__ == '__main__':\n    main()\n"
FILES = {
    "app/__init__.py": "",
    "app/config.py": CONFIG,
    "app/main.py": "import sys\nfrom .config import NAME\n" + MAIN,  # relative import
    "app/cli.py": "import sys\nfrom app.config import NAME\n" + MAIN,  # absolute import
    "app/__main__.py": "from app.main import main\nmain()\n",
    "app/where.py": "import sys\nprint(sys.path[0])\n",
}


def make_project(root: Path, prefix: str = "") -> Path:
    for name, text in FILES.items():
        path = root / prefix / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(argv, cwd, python=sys.executable):
    cmd = [python, *argv] if python else argv
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)


flat = make_project(base / "flat")
elsewhere = base / "elsewhere"
elsewhere.mkdir()

# 1. By its path: relative import fails, absolute import of its own package fails; sys.path[0] is app/.
rel = run(["app/main.py"], flat)
assert rel.returncode == 1, rel
assert "ImportError: attempted relative import with no known parent package" in rel.stderr, rel.stderr
ab = run(["app/cli.py"], flat)
assert "ModuleNotFoundError: No module named 'app'" in ab.stderr, ab.stderr
where = run(["app/where.py"], flat)
assert where.stdout.strip() == str(flat / "app"), where  # the script's folder, not the project root
# The same files are fine when the project root is the import root (pytest's rootdir, `python -c`).
imported = run(["-c", "import app.main, app.cli; print('imported')"], flat)
assert imported.stdout.strip() == "imported", imported.stderr

# 2. As a module from the project root: both files work, sys.path[0] is the project root.
as_mod = run(["-m", "app.main"], flat)
assert as_mod.returncode == 0 and as_mod.stdout.startswith("demo ok"), as_mod.stderr
assert as_mod.stdout.strip().endswith(f"sys.path[0]={flat}"), as_mod.stdout
assert run(["-m", "app.cli"], flat).stdout.startswith("demo ok")
assert run(["-m", "app"], flat).stdout.startswith("demo ok")
# but `python -m` still depends on the folder it starts from:
lost = run(["-m", "app.main"], elsewhere)
assert "Error while finding module specification for 'app.main'" in lost.stderr, lost.stderr

# 3. The snippet names the module and the folder for each layout and runs it.
assert ns["module_name_for"](flat / "app/main.py") == ("app.main", str(flat))
assert ns["module_name_for"](flat / "app/__main__.py") == ("app", str(flat))
src = make_project(base / "srclayout", "src")
assert ns["module_name_for"](src / "src/app/cli.py") == ("app.cli", str(src / "src"))
for target in (flat / "app/main.py", flat / "app/cli.py", src / "src/app/main.py"):
    argv, cwd = ns["launch_command"](target)
    ran = run(argv, cwd, python=None)
    assert ran.returncode == 0 and ran.stdout.startswith("demo ok"), (target, ran.stderr)
assert "python -m app.main" in ns["explain"](flat / "app/main.py")
wrong_src = run(["src/app/cli.py"], src)
assert "ModuleNotFoundError: No module named 'app'" in wrong_src.stderr, wrong_src.stderr

# 4. Installed (what `pip install .` / `pip install -e .` gives): the console script and
#    `python -m app.main` work from any folder. pip installs a wheel of the src layout into a venv.
wheel = base / "app-0.1.0-py3-none-any.whl"
dist = "app-0.1.0.dist-info"
members = {f"app/{Path(n).name}": t for n, t in FILES.items()}
members[f"{dist}/METADATA"] = "Metadata-Version: 2.1\nName: app\nVersion: 0.1.0\n"
members[f"{dist}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: check\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
members[f"{dist}/entry_points.txt"] = "[console_scripts]\napp = app.main:main\n"
rows = []
for name, text in members.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    rows.append(f"{name},sha256={digest},{len(text.encode())}")
members[f"{dist}/RECORD"] = "\n".join(rows + [f"{dist}/RECORD,,"]) + "\n"
with zipfile.ZipFile(wheel, "w") as zf:
    for name, text in members.items():
        zf.writestr(name, text)
env_dir = base / "venv"
venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=True).create(env_dir)
vpy = str(env_dir / "bin" / "python")
pip = run(["-m", "pip", "install", "--no-index", "--no-deps", "--disable-pip-version-check",
           "-q", str(wheel)], elsewhere, python=vpy)
assert pip.returncode == 0, pip.stderr
command = run([str(env_dir / "bin" / "app")], elsewhere, python=None)
assert command.returncode == 0 and command.stdout.startswith("demo ok"), command.stderr
installed_mod = run(["-m", "app.cli"], elsewhere, python=vpy)
assert installed_mod.stdout.startswith("demo ok"), installed_mod.stderr

record(
    by_path_relative=rel.stderr.strip().splitlines()[-1],
    by_path_absolute=ab.stderr.strip().splitlines()[-1],
    by_path_src_layout=wrong_src.stderr.strip().splitlines()[-1],
    as_module="python -m app.main: " + as_mod.stdout.split(",")[0],
    installed_command="app: " + command.stdout.split(",")[0],
)
