"""Start a file of a package as a module of that package (python -m, or the installed command)."""

import os
import sys
from pathlib import Path

# WRONG: run a file that belongs to a package by its path:
#   python app/main.py / python src/app/main.py / the IDE's "Run file" / CMD ["python", "app/main.py"]
# Python then puts the file's own folder (app/) first on sys.path, not the project root, and runs
# the file as "__main__" with no package, so:
#   from .config import X     -> ImportError: attempted relative import with no known parent package
#   from app.config import X  -> ModuleNotFoundError: No module named 'app'   (or 'src')
# pytest (rootdir on sys.path) and `python -m app.main` work, so it fails in one launcher only.
# sys.path.append(os.path.dirname(__file__) + "/..") in the file only hides it: the same module can
# then be imported twice under two names, and each new entry file needs its own hack.


def module_name_for(path):
    """(dotted module name, folder to run it from) for a .py file inside packages.

    Walks up through folders that hold an __init__.py: app/main.py -> ("app.main", <project>),
    app/__main__.py -> ("app", <project>), src/app/main.py -> ("app.main", <project>/src).
    """
    path = Path(path).resolve()
    parts = [] if path.stem in ("__init__", "__main__") else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    if not parts or (len(parts) == 1 and path.stem not in ("__init__", "__main__")):
        return path.stem, str(path.parent)  # a plain script in no package: run it by its path
    return ".".join(parts), str(folder)


def launch_command(path, python=None):
    """The argv and working directory that run `path` as a module of its package."""
    module, root = module_name_for(path)
    return [python or sys.executable, "-m", module], root


def explain(path):
    """One line for a README, a Dockerfile comment or an error message."""
    module, root = module_name_for(path)
    here = os.path.relpath(root) if root != os.getcwd() else "."
    return (f"run it as a module from {here!s}: `python -m {module}` "
            f"(or install the project with `pip install -e .` and run its console script)")


# The lasting fix: make the project installable and give it a command, then every launcher (shell,
# IDE, Docker, cron, an MCP client's config) uses the same import root. pyproject.toml:
#   [project]
#   name = "app"
#   version = "0.1.0"
#   [project.scripts]
#   app = "app.main:main"          # `pip install -e .` creates the `app` command
#   [build-system]
#   requires = ["setuptools>=61"]
#   build-backend = "setuptools.build_meta"
# Inside the package keep imports absolute from the package root (from app.config import X) or
# relative (from .config import X); both work once the file runs as app.main. Dockerfile:
#   WORKDIR /srv            (the folder that holds app/)   CMD ["python", "-m", "app.main"]
#   or RUN pip install .  and  CMD ["app"]
# A file that must also run by its path can say so instead of failing with the ImportError:
#   if __name__ == "__main__" and not __package__:
#       raise SystemExit("run this file as a module: python -m app.main (from the project root)")
