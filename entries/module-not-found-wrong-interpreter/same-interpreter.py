"""Install into, and run with, the same interpreter; show which one has the module."""

import json
import subprocess
import sys

# WRONG: `pip install openai` then `python app.py` -> ModuleNotFoundError: `pip` on PATH belongs
# to another Python (system vs venv vs conda vs Homebrew), or the IDE/Jupyter kernel runs another.

PROBE = (
    "import importlib.util, json, sys; spec = importlib.util.find_spec(sys.argv[1]);"
    "print(json.dumps({'python': sys.executable, 'prefix': sys.prefix,"
    " 'venv': sys.prefix != sys.base_prefix, 'module': spec and spec.origin}))"
)


def install_command(package: str) -> list[str]:
    """pip of *this* interpreter: never a bare `pip` that PATH may resolve elsewhere."""
    return [sys.executable, "-m", "pip", "install", package]


def where_is(module: str, interpreters: list[str]) -> list[dict]:
    """For each interpreter: its prefix, whether it is a venv, and the module's file (or None)."""
    found = []
    for python in interpreters:
        run = subprocess.run([python, "-c", PROBE, module], capture_output=True, text=True, timeout=60)
        found.append(json.loads(run.stdout) if run.returncode == 0 else {"python": python, "error": run.stderr[-300:]})
    return found


def explain_missing(module: str, interpreters: list[str]) -> str:
    """One line for the log: which interpreter runs, and which one has the module instead."""
    report = where_is(module, [sys.executable, *interpreters])
    here, others = report[0], [r for r in report[1:] if r.get("module")]
    if here.get("module"):
        return f"{module} is importable by {here['python']}"
    hint = f"; it is installed for {others[0]['python']}" if others else ""
    return f"{module} is missing for {here['python']} (prefix {here['prefix']}){hint}: run {' '.join(install_command(module))}"
