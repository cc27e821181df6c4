"""Find project files named like a module they (or a library) import, before Python does."""

import sys
from importlib.machinery import PathFinder
from pathlib import Path

# WRONG: a script saved as openai.py (or random.py, json.py, token.py) that does
# `from openai import OpenAI`: Python puts the script's folder first on sys.path, so the
# import finds the script itself, half-run -> "partially initialized module".


def local_module_names(folder: Path) -> dict[str, Path]:
    """Top-level modules a folder defines: name.py files and packages."""
    found = {p.stem: p for p in folder.glob("*.py")}
    found.update({p.parent.name: p.parent for p in folder.glob("*/__init__.py")})
    return found


def shadowing_modules(folder: str | Path, search_path: list[str] | None = None) -> dict[str, str]:
    """Local names that hide a standard-library module or one installed elsewhere on the path."""
    folder = Path(folder).resolve()
    others = [p for p in (search_path or sys.path) if p and Path(p).resolve() != folder]
    hidden = {}
    for name, path in local_module_names(folder).items():
        if name in sys.stdlib_module_names:
            hidden[name] = f"{path} hides the standard-library module {name!r}"
        elif PathFinder.find_spec(name, others) is not None:
            hidden[name] = f"{path} hides the installed module {name!r}"
    return hidden


def rename_module(path: str | Path, new_stem: str) -> Path:
    """Rename the file and drop its stale bytecode, which would keep shadowing."""
    path = Path(path)
    for stale in path.parent.glob(f"__pycache__/{path.stem}.*.pyc"):
        stale.unlink()
    return path.rename(path.with_stem(new_stem))
