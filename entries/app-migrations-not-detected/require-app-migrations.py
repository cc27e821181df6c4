"""Fail a test, CI or start-up when Django cannot see an app's migrations, naming the fix, instead
of a migrate that says "No migrations to apply." and a page that fails with no such table."""

import os
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

# The fixes it asks for (then check with `python manage.py showmigrations <app_label>`):
#   settings.py   INSTALLED_APPS = [..., "orders.apps.OrdersConfig"]   # listed, spelt as the package
#   shell         python manage.py makemigrations payments   # an app label: creates migrations/
#                 touch catalog/migrations/__init__.py         # a folder without it is skipped
#                 git add */migrations/   # and no migrations/ line in .gitignore or .dockerignore
SKIPPED_DIRS = {"node_modules", "site-packages", "__pycache__", "venv", "env", "static"}


class MigrationsNotDetected(RuntimeError):
    """Apps whose tables `migrate` will never create, each with the fix to apply."""


def model_packages(base_dir: str | Path) -> list[Path]:
    """The project's folders that define models (models.py or a models/ package)."""
    found = []
    for root, dirs, files in os.walk(base_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        if "models.py" in files or os.path.isfile(os.path.join(root, "models", "__init__.py")):
            found.append(Path(root).resolve())
    return found


def _unmigrated(label: str, path: str) -> str:
    folder = Path(path) / "migrations"
    if folder.is_dir():
        return f"{label}: {folder} has no __init__.py, so Django skips it: add an empty one"
    return (
        f"{label}: {folder} does not exist (never made, or left out by .gitignore or "
        f".dockerignore): run python manage.py makemigrations {label} and commit the folder"
    )


def app_migration_problems(base_dir: str | Path, expected_labels: tuple[str, ...] = ()) -> list[str]:
    """One line per app whose migrations Django's loader cannot see, with the fix."""
    configs = {Path(c.path).resolve(): c for c in apps.get_app_configs()}
    labels = {c.label for c in configs.values()}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    with_files = {label for label, _name in loader.disk_migrations}
    problems = [
        f"{label}: no installed app has this label: add its AppConfig to INSTALLED_APPS"
        for label in expected_labels
        if label not in labels
    ]
    for folder in model_packages(base_dir):
        config = configs.get(folder)
        if config is None:
            problems.append(
                f"{folder.name}: {folder} defines models but no INSTALLED_APPS entry names "
                "this package (missing or misspelt): add its AppConfig"
            )
        elif config.label in loader.unmigrated_apps:
            problems.append(_unmigrated(config.label, config.path))
        elif config.label not in with_files:
            problems.append(
                f"{config.label}: its migrations package holds no migration: run python "
                f"manage.py makemigrations {config.label} and commit the new file"
            )
    return problems


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
