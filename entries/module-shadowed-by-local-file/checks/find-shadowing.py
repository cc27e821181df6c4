"""A script named like what it imports fails with 'partially initialized module'; renamed, it runs."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record


def run(script: Path, site: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(site), "PATH": os.environ.get("PATH", "")}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)


root = Path(tempfile.mkdtemp())
site, project = root / "site-packages", root / "project"
(site / "fakeai").mkdir(parents=True)
(site / "fakeai" / "__init__.py").write_text("class OpenAI:\n    name = 'client'\n", encoding="utf-8")
project.mkdir()
own = project / "fakeai.py"
own.write_text("from fakeai import OpenAI\nprint(OpenAI.name)\n", encoding="utf-8")
stdlib = project / "random.py"
stdlib.write_text("from random import randint\nprint(randint(7, 7))\n", encoding="utf-8")

wrong = [run(own, site), run(stdlib, site)]
for result, name, attr in zip(wrong, ("fakeai", "random"), ("OpenAI", "randint")):
    assert result.returncode != 0, result.stdout
    message = f"cannot import name '{attr}' from partially initialized module '{name}'"
    assert message in result.stderr and "circular import" in result.stderr, result.stderr

ns = load_snippet()
hidden = ns["shadowing_modules"](project, [str(site)] + sys.path)
assert set(hidden) == {"fakeai", "random"}, hidden
assert "installed" in hidden["fakeai"] and "standard-library" in hidden["random"]
fixed = [run(ns["rename_module"](own, "chat_app"), site), run(ns["rename_module"](stdlib, "dice"), site)]
assert [r.stdout.strip() for r in fixed] == ["client", "7"], [r.stderr for r in fixed]
assert ns["shadowing_modules"](project, [str(site)] + sys.path) == {}
record(wrong_exit_codes=[r.returncode for r in wrong], fixed_outputs=[r.stdout.strip() for r in fixed])
