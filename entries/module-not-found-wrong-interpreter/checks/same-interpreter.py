"""A package installed into a venv is missing for the other interpreter; the snippet says which
interpreter has it and gives the install command for the one that runs."""

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from errata_check import load_snippet, record

root = Path(tempfile.mkdtemp())
venv.EnvBuilder(with_pip=False, symlinks=True).create(root / ".venv")
venv_python = str(root / ".venv" / "bin" / "python")
site = subprocess.run([venv_python, "-c", "import site; print(site.getsitepackages()[0])"],
                      capture_output=True, text=True, check=True).stdout.strip()
(Path(site) / "fakeai").mkdir()
(Path(site) / "fakeai" / "__init__.py").write_text("VERSION = '1.0'\n", encoding="utf-8")  # "pip install" into the venv
script = root / "app.py"
script.write_text("import fakeai\nprint(fakeai.VERSION)\n", encoding="utf-8")

wrong = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
assert wrong.returncode != 0 and "ModuleNotFoundError: No module named 'fakeai'" in wrong.stderr, wrong.stderr
right = subprocess.run([venv_python, str(script)], capture_output=True, text=True, timeout=60)
assert right.stdout.strip() == "1.0", right.stderr

ns = load_snippet()
report = ns["where_is"]("fakeai", [sys.executable, venv_python])
assert report[0]["module"] is None and report[1]["module"].startswith(site), report
assert report[1]["venv"] is True and report[0]["venv"] is False
message = ns["explain_missing"]("fakeai", [venv_python])
assert f"missing for {sys.executable}" in message and f"installed for {venv_python}" in message, message
assert ns["install_command"]("fakeai")[:3] == [sys.executable, "-m", "pip"]
record(wrong_exit=wrong.returncode, venv_output=right.stdout.strip(), message=message[:200])
