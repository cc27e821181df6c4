"""Fail a test, CI or start-up when Django cannot see an app's migrations, naming the fix, instead
of a migrate that says "No migrations to apply." and a page that fails with no such table."""

import os
import re
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

# The fixes it asks for (then check with `python manage.py showmigrations <app_label>`):
#   settings.py   INSTALLED_APPS = [..., "orders.apps.OrdersConfig"]   # listed, spelt as the package
#   shell         python manage.py makemigrations payments   # an app label: creates migrations/
#                 touch catalog/migrations/__init__.py         # a folder without it is skipped
#                 git add */migrations/   # and no migrations/ line in .gitignore or .dockerignore
SKIPPED_DIRS = {"node_modules", "site-packages", "__pycache__", "venv", "env", "static"}
MODEL_CLASS = re.compile(r"^class \w+\(.*Model\b", re.MULTILINE)


class MigrationsNotDetected(RuntimeError):
    """Apps whose tables `migrate` will never create, each with the fix to apply."""


def model_folders(base_dir: str | Path) -> list[Path]:
    """The project's folders whose models.py (or models/ package) declares a model class."""
    found = []
    for root, dirs, files in os.walk(base_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        here = Path(root)
        sources = [here / "models.py"] if "models.py" in files else (here / "models").glob("*.py")
        if any(MODEL_CLASS.search(p.read_text(encoding="utf-8", errors="replace")) for p in sources):
            found.append(here.resolve())
    return found


def _not_installed(base: Path, expected_labels: tuple[str, ...]) -> list[str]:
    paths = {Path(c.path).resolve() for c in apps.get_app_configs()}
    labels = {c.label for c in apps.get_app_configs()}
    problems = [
        f"{label}: no installed app has this label: add its AppConfig to INSTALLED_APPS"
        for label in expected_labels
        if label not in labels
    ]
    return problems + [
        f"{folder.name}: {folder} defines models but no INSTALLED_APPS entry names this "
        "package (missing or misspelt): add its AppConfig"
        for folder in model_folders(base)
        if folder not in paths
    ]


def _migration_problem(config, loader: MigrationLoader) -> str | None:
    folder = Path(config.path) / "migrations"
    if config.label in loader.unmigrated_apps and folder.is_dir():
        return f"{config.label}: {folder} has no __init__.py, so Django skips it: add an empty one"
    if config.label in loader.unmigrated_apps:
        return (
            f"{config.label}: {folder} does not exist (never made, or left out by .gitignore or "
            f".dockerignore): run python manage.py makemigrations {config.label}, commit it"
        )
    if not any(label == config.label for label, _name in loader.disk_migrations):
        return (
            f"{config.label}: its migrations package holds no migration: run python manage.py "
            f"makemigrations {config.label} and commit the new file"
        )
    return None


def app_migration_problems(base_dir: str | Path, expected_labels: tuple[str, ...] = ()) -> list[str]:
    """One line per app of the project whose migrations Django cannot see, with the fix."""
    base = Path(base_dir).resolve()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = _not_installed(base, expected_labels)
    for config in apps.get_app_configs():
        in_project = Path(config.path).resolve().is_relative_to(base)
        if in_project and any(model._meta.managed for model in config.get_models()):
            problems.append(_migration_problem(config, loader))
    return [problem for problem in problems if problem]


def require_app_migrations(base_dir: str | Path, expected_labels: tuple[str, ...] = ()) -> None:
    """Raise MigrationsNotDetected listing every app whose migrations Django cannot see.

    Call it from a test (require_app_migrations(settings.BASE_DIR, ("orders",))) or a CI step,
    next to `python manage.py makemigrations --check --dry-run`."""
    problems = app_migration_problems(base_dir, expected_labels)
    if problems:
        raise MigrationsNotDetected(
            "migrate will create no table for these apps: Django cannot see their "
            "migrations:\n" + "\n".join(problems)
        )
