"""Import every module that defines models before create_all() or Alembic's autogenerate reads the
metadata, and refuse an empty or incomplete metadata instead of silently creating nothing."""

import importlib
import pkgutil
from collections.abc import Iterable

# WRONG: a model class adds its table to Base.metadata only when its module is imported, and
# nothing imported app.models - only the module that defines Base:
#   from app.db import Base, engine
#   Base.metadata.create_all(engine)   # creates nothing and raises nothing; later: no such table
#   target_metadata = Base.metadata    # alembic/env.py: "No changes in schema detected", or a
#                                      # revision that drops every table the database has


class ModelsNotImported(RuntimeError):
    """The metadata lacks tables the application needs: their modules were never imported."""


def import_models(package: str) -> list[str]:
    """Import a models module and, if it is a package, every module under it; return the names."""
    module = importlib.import_module(package)
    names = [module.__name__]
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), package + "."):
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def require_tables(metadata, expected: Iterable[str] = ()) -> list[str]:
    """Return the metadata's table names; raise, naming what is missing, if it has none or
    lacks an expected table."""
    tables = set(metadata.tables)
    missing = sorted(set(expected) - tables)
    if not tables:
        raise ModelsNotImported(
            "the metadata has no tables: import the models module before create_all() "
            "or before env.py sets target_metadata"
        )
    if missing:
        raise ModelsNotImported(f"the metadata has no table {', '.join(missing)}: import its model")
    return sorted(tables)


def create_all_models(
    metadata, bind, packages: Iterable[str], expected: Iterable[str] = ()
) -> list[str]:
    """Import the models, check the metadata, then create the missing tables.

    SQLAlchemy: create_all_models(Base.metadata, engine, ["app.models"]); Flask-SQLAlchemy:
    create_all_models(db.metadata, db.engine, ["app.models"]) inside app.app_context()."""
    for package in packages:
        import_models(package)
    tables = require_tables(metadata, expected)
    metadata.create_all(bind)
    return tables


# alembic/env.py (Flask-Migrate: migrations/env.py), before target_metadata is read:
#   from app.db import Base
#   import_models("app.models")
#   target_metadata = Base.metadata
#   require_tables(target_metadata)
