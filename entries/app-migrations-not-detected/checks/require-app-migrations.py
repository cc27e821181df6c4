"""A project cloned with four apps whose migrations Django never sees - orders missing from
INSTALLED_APPS, catalog's migrations/ without __init__.py, reviews' migrations/ left out by
.gitignore, payments never given a migration - migrates with "Apply all migrations: accounts",
then "No migrations to apply.", and each of their tables is missing; the snippet names all four
with the fix; once fixed, a fresh clone migrates all five apps and the snippet passes.

What is modelled: the sandbox has no Django (standard library only), so the check writes a
stand-in `django` package that copies what matters here, with the same names: apps.populate
imports each INSTALLED_APPS entry (a module or an AppConfig path), labels it by the last part of
its name and imports its models.py; a models.Model subclass joins the installed app containing
its module, or raises Django's RuntimeError when none does; MigrationLoader.load_disk
(django/db/migrations/loader.py) takes an app whose `<app>.migrations` module is missing, is not
a package, or is a namespace package (a folder without __init__.py) as unmigrated and reads
every other module in it not starting with _ or ~;
migrate plans from the graph's leaf nodes, prints Django's "Operations to perform" lines and
records each migration in django_migrations; showmigrations prints " (no migrations)". A
migration's operations are RunSQL on sqlite3 (Django's CreateModel would emit the same CREATE
TABLE); makemigrations is not modelled: the check writes the file it would write. The clone
copies the tree without the paths .gitignore names, as git would leave them out. Every Django
command runs as `python manage.py ...` in a fresh interpreter.
"""

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from fnmatch import fnmatch
from pathlib import Path

from errata_check import SNIPPET_FILE, load_snippet, record

STANDIN = {
    "django/__init__.py": (
        "def setup():\n"
        "    from django.apps import apps\n"
        "    from django.conf import settings\n"
        "    apps.populate(settings.INSTALLED_APPS)\n"
    ),
    "django/conf.py": (
        "class Settings:\n"
        "    def configure(self, **options):\n"
        "        self.__dict__.update(options)\n\n\n"
        "settings = Settings()\n"
    ),
    "django/apps.py": '''
import importlib
import os


class AppConfig:
    name = None

    def __init__(self, name, module):
        self.name, self.module = name, module
        self.label = name.rpartition(".")[2]
        self.path = os.path.dirname(module.__file__)
        self.models_module, self.models = None, []

    @classmethod
    def create(cls, entry):
        try:
            return cls(entry, importlib.import_module(entry))
        except ModuleNotFoundError:
            module_name, _, class_name = entry.rpartition(".")
            config_class = getattr(importlib.import_module(module_name), class_name)
            return config_class(config_class.name, importlib.import_module(config_class.name))

    def import_models(self):
        if os.path.exists(os.path.join(self.path, "models.py")):
            self.models_module = importlib.import_module(self.name + ".models")

    def get_models(self):
        return [model for model in self.models if not model._meta.abstract]


class Apps:
    def __init__(self):
        self.app_configs = {}

    def populate(self, installed_apps):
        for entry in installed_apps:
            config = AppConfig.create(entry)
            self.app_configs[config.label] = config
        for config in self.app_configs.values():
            config.import_models()

    def get_app_configs(self):
        return list(self.app_configs.values())

    def get_containing_app_config(self, module_name):
        names = [c for c in self.app_configs.values() if (module_name + ".").startswith(c.name + ".")]
        return max(names, key=lambda c: len(c.name), default=None)

    def get_app_config(self, label):
        try:
            return self.app_configs[label]
        except KeyError:
            raise LookupError("No installed app with label '%s'." % label) from None


apps = Apps()
''',
    "django/db/__init__.py": (
        "import sqlite3\n\nfrom django.conf import settings\n\n\n"
        "def connect():\n    return sqlite3.connect(settings.DATABASE, isolation_level=None)\n"
    ),
    "django/db/models.py": '''
class Options:
    def __init__(self, meta):
        self.managed = getattr(meta, "managed", True)
        self.abstract = getattr(meta, "abstract", False)


class Model:
    def __init_subclass__(cls, **kwargs):
        from django.apps import apps

        super().__init_subclass__(**kwargs)
        cls._meta = Options(cls.__dict__.get("Meta"))
        config = apps.get_containing_app_config(cls.__module__)
        if config is None and not cls._meta.abstract:
            raise RuntimeError(
                "Model class %s.%s doesn't declare an explicit app_label and isn't in an "
                "application in INSTALLED_APPS." % (cls.__module__, cls.__name__)
            )
        if config is not None:
            config.models.append(cls)
''',
    "django/db/migrations/__init__.py": '''
class Migration:
    dependencies = []
    operations = []

    def __init__(self, name, app_label):
        self.name, self.app_label = name, app_label


class RunSQL:
    noop = ""

    def __init__(self, sql, reverse_sql=None):
        self.sql = sql

    def apply(self, db):
        db.execute(self.sql)


def swappable_dependency(value):
    return (value.split(".", 1)[0], "__first__")
''',
    "django/db/migrations/loader.py": '''
import importlib
import pkgutil

from django.apps import apps


class NodeNotFoundError(LookupError):
    pass


class MigrationLoader:
    def __init__(self, connection, ignore_no_migrations=False):
        self.connection, self.ignore_no_migrations = connection, ignore_no_migrations
        self.load_disk()
        self.build_graph()

    def load_disk(self):
        self.disk_migrations, self.migrated_apps, self.unmigrated_apps = {}, set(), set()
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(config.name + ".migrations")
            except ModuleNotFoundError as error:
                if "migrations" not in error.name.split("."):
                    raise
                self.unmigrated_apps.add(config.label)
                continue
            if not hasattr(module, "__path__"):  # a migrations.py module, not a package
                self.unmigrated_apps.add(config.label)
                continue
            # Empty directories are namespaces: no __file__, and __path__ is not a list.
            if getattr(module, "__file__", None) is None and not isinstance(module.__path__, list):
                self.unmigrated_apps.add(config.label)
                continue
            self.migrated_apps.add(config.label)
            for _, name, is_pkg in pkgutil.iter_modules(module.__path__):
                if not is_pkg and name[0] not in "_~":
                    found = importlib.import_module(module.__name__ + "." + name)
                    self.disk_migrations[config.label, name] = found.Migration(name, config.label)

    def check_key(self, key, current_app):
        if key[1] != "__first__":
            return key
        if key[0] == current_app or key[0] in self.unmigrated_apps:
            return None
        if key[0] in self.migrated_apps:
            roots = self.root_nodes(key[0])
            if roots:
                return roots[0]
            if self.ignore_no_migrations:
                return None
            raise ValueError("Dependency on app with no migrations: %s" % key[0])
        raise ValueError("Dependency on unknown app: %s" % key[0])

    def root_nodes(self, app):
        """The app's nodes with no parent in the app, sorted (MigrationGraph.root_nodes)."""
        return sorted(
            key for key, migration in self.disk_migrations.items()
            if key[0] == app and not any(d[0] == app for d in migration.dependencies)
        )

    def build_graph(self):
        self.parents = {key: [] for key in self.disk_migrations}
        for key, migration in self.disk_migrations.items():
            for dependency in migration.dependencies:
                parent = self.check_key(tuple(dependency), key[0])
                if parent is not None and parent not in self.parents:
                    raise NodeNotFoundError(
                        "Migration %s.%s dependencies reference nonexistent parent node %r"
                        % (key[0], key[1], parent)
                    )
                if parent is not None:
                    self.parents[key].append(parent)
        self.applied = set()
        if self.connection is not None:
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS django_migrations "
                "(id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)"
            )
            rows = self.connection.execute("SELECT app, name FROM django_migrations")
            self.applied = {tuple(row) for row in rows}

    def leaf_nodes(self, app=None):
        """Nodes with no child in their own app, sorted (Django's MigrationGraph.leaf_nodes)."""
        same_app_parents = {p for k, ps in self.parents.items() for p in ps if p[0] == k[0]}
        return sorted(k for k in self.parents if k not in same_app_parents and app in (None, k[0]))

    def forwards_plan(self, target):
        plan, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for parent in sorted(self.parents[node]):
                    visit(parent)
                plan.append(node)

        visit(target)
        return plan

    def migration_plan(self, targets):
        plan, done = [], set(self.applied)
        for target in targets:
            for node in self.forwards_plan(target):
                if node not in done:
                    plan.append(node)
                    done.add(node)
        return plan
''',
    "django/core/__init__.py": "",
    "django/core/management.py": '''
import sqlite3
import sys

from django.apps import apps
from django.db import connect
from django.db.migrations.loader import MigrationLoader


def migrate():
    db = connect()
    loader = MigrationLoader(db)
    targets = loader.leaf_nodes()
    plan = loader.migration_plan(targets)
    print("Operations to perform:")
    print("  Apply all migrations: " + (", ".join(sorted({a for a, _ in targets})) or "(none)"))
    print("Running migrations:")
    if not plan:
        print("  No migrations to apply.")
    for key in plan:
        print("  Applying %s.%s..." % key, end="", flush=True)
        db.execute("BEGIN")
        for operation in loader.disk_migrations[key].operations:
            operation.apply(db)
        db.execute("INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, 'now')", key)
        db.execute("COMMIT")
        print(" OK")


def showmigrations(*labels):
    loader = MigrationLoader(connect(), ignore_no_migrations=True)
    for label in labels:
        apps.get_app_config(label)
    for label in labels:
        print(label)
        nodes = sorted(k for k in loader.disk_migrations if k[0] == label)
        for node in nodes:
            print(" [%s] %s" % ("X" if node in loader.applied else " ", node[1]))
        if not nodes:
            print(" (no migrations)")


def query(sql):
    """What a view's ORM query does to the table."""
    print(connect().execute(sql).fetchall())


COMMANDS = {"migrate": migrate, "showmigrations": showmigrations, "query": query}


def execute_from_command_line(argv):
    try:
        COMMANDS[argv[1]](*argv[2:])
    except LookupError as error:
        sys.exit("CommandError: %s" % error.args[0])
    except sqlite3.OperationalError as error:
        sys.exit("django.db.utils.OperationalError: %s" % error)
''',
}


def migration(table: str) -> str:
    return (
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = []\n"
        f"    operations = [migrations.RunSQL('CREATE TABLE {table} (id INTEGER PRIMARY KEY)')]\n"
    )


MODELS = "from django.db import models\n\n\nclass {model}(models.Model):\n    pass\n"
APPS = {"accounts": "profile", "catalog": "product", "orders": "order", "reviews": "review"}
PROJECT = {
    "manage.py": (
        "import os, sys\n"
        "sys.path.insert(0, os.environ['DJANGO_STANDIN'])\n"
        "import django\nfrom django.conf import settings\nimport settings as project\n"
        "settings.configure(**{k: getattr(project, k) for k in dir(project) if k.isupper()})\n"
        "django.setup()\n"
        "if sys.argv[1] == 'check_migrations':  # a CI step; a test can call it the same way\n"
        "    import guard\n"
        "    guard.require_app_migrations(settings.BASE_DIR)\n"
        "    print('ok')\n"
        "else:\n"
        "    from django.core.management import execute_from_command_line\n"
        "    execute_from_command_line(sys.argv)\n"
    ),
    "settings.py": (
        "import os\n\nBASE_DIR = os.path.dirname(os.path.abspath(__file__))\n"
        "DATABASE = os.path.join(BASE_DIR, 'db.sqlite3')\n"
        "INSTALLED_APPS = ['accounts', 'core', 'catalog', 'reviews', 'payments']  # no orders\n"
    ),
    ".gitignore": "*.sqlite3\n__pycache__/\nreviews/migrations/\n",
    "orders/apps.py": (
        "from django.apps import AppConfig\n\n\nclass OrdersConfig(AppConfig):\n"
        "    name = 'orders'\n"
    ),
    "payments/__init__.py": "",
    "payments/models.py": MODELS.format(model="Payment"),  # makemigrations payments never ran
    "core/__init__.py": "",  # an app as startapp made it: no model, no migration, nothing to fix
    "core/models.py": "from django.db import models\n\n# Create your models here.\n",
    "core/migrations/__init__.py": "",
    "payments/migrations/__init__.py": "",
}
for app, model in APPS.items():
    PROJECT[f"{app}/__init__.py"] = ""
    PROJECT[f"{app}/models.py"] = MODELS.format(model=model.title())
    PROJECT[f"{app}/migrations/0001_initial.py"] = migration(f"{app}_{model}")
    if app != "catalog":  # catalog's migrations/ was made by hand, without __init__.py
        PROJECT[f"{app}/migrations/__init__.py"] = ""
TABLES = [f"{app}_{model}" for app, model in APPS.items()] + ["payments_payment"]

folder = Path(tempfile.mkdtemp())
standin, dev = folder / "standin", folder / "dev"
for base, files in ((standin, STANDIN), (dev, PROJECT)):
    for name, text in files.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text.lstrip("\n"), encoding="utf-8")
shutil.copy(SNIPPET_FILE, dev / "guard.py")  # the snippet, as a module of the project


def ignored(relative: str, patterns: list[str]) -> bool:
    """Whether .gitignore's patterns leave this file out (a name, a path, or a folder/)."""
    parts = relative.split("/")
    folders = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
    return any(
        any(fnmatch(f, p[:-1]) or fnmatch(f.rpartition("/")[2], p[:-1]) for f in folders)
        if p.endswith("/")
        else fnmatch(parts[-1], p) or fnmatch(relative, p)
        for p in patterns
    )


def clone(name: str) -> Path:
    """The tree as a fresh `git clone` gives it: without the paths .gitignore names."""
    patterns = (dev / ".gitignore").read_text(encoding="utf-8").split()
    target = folder / name
    for path in sorted(p for p in dev.rglob("*") if p.is_file()):
        relative = path.relative_to(dev).as_posix()
        if not ignored(relative, patterns):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / relative)
    return target


def manage(project: Path, *args: str) -> tuple[int, str]:
    """`python manage.py ARGS` in a fresh interpreter: exit code and output."""
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project, capture_output=True, text=True, timeout=60,
        env={"DJANGO_STANDIN": str(standin), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return run.returncode, (run.stdout + run.stderr).strip()


def query_errors(project: Path) -> dict[str, str]:
    return {t: manage(project, "query", f"SELECT * FROM {t}")[1] for t in TABLES}


# 1. The wrong layout, cloned: migrate sees only accounts, then has nothing to apply.
wrong = clone("clone")
assert not (wrong / "reviews/migrations").exists()  # .gitignore left it out
first = manage(wrong, "migrate")
again = manage(wrong, "migrate")
assert first == (0, "Operations to perform:\n  Apply all migrations: accounts\nRunning "
                 "migrations:\n  Applying accounts.0001_initial... OK"), first
assert again[1].endswith("Apply all migrations: accounts\nRunning migrations:\n  No migrations "
                         "to apply."), again
wrong_queries = query_errors(wrong)
assert wrong_queries["accounts_profile"] == "[]", wrong_queries
for table in TABLES[1:]:
    assert wrong_queries[table] == f"django.db.utils.OperationalError: no such table: {table}"
assert manage(wrong, "showmigrations", "catalog") == (0, "catalog\n (no migrations)")
assert manage(wrong, "showmigrations", "orders") == (
    1, "CommandError: No installed app with label 'orders'.")

# 2. The snippet on that clone, in this process: four problems, each with its fix.
sys.path[:0] = [str(standin), str(wrong)]
import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(INSTALLED_APPS=["accounts", "core", "catalog", "reviews", "payments"],
                   DATABASE=str(wrong / "db.sqlite3"))
django.setup()
ns = load_snippet()
problems = ns["app_migration_problems"](wrong, ("orders",))
assert len(problems) == 5, problems
assert problems[0].startswith("orders: no installed app has this label"), problems
assert problems[1].startswith("orders: ") and "no INSTALLED_APPS entry" in problems[1], problems
assert problems[2].startswith("catalog: ") and "has no __init__.py" in problems[2], problems
assert problems[3].startswith("reviews: ") and ".gitignore" in problems[3], problems
assert problems[4].startswith("payments: its migrations package holds no migration"), problems
assert not any(p.startswith("core") or p.startswith("accounts") for p in problems), problems
refused = ""
try:
    ns["require_app_migrations"](wrong)
except ns["MigrationsNotDetected"] as error:
    refused = str(error)
assert refused.count("\n") == 4, refused
unregistered = ""
try:  # a view importing the uninstalled app's models
    import orders.models  # noqa: F401
except RuntimeError as error:
    unregistered = str(error)
assert unregistered == (
    "Model class orders.models.Order doesn't declare an explicit app_label and isn't in an "
    "application in INSTALLED_APPS."), unregistered
code, guard_output = manage(wrong, "check_migrations")
assert code == 1 and "MigrationsNotDetected: migrate will create no table" in guard_output

# 3. The fixes in the developer's tree: list the AppConfig, add __init__.py, stop ignoring
# reviews/migrations/, write the migration `makemigrations payments` writes; clone afresh.
settings_py = (dev / "settings.py").read_text(encoding="utf-8")
(dev / "settings.py").write_text(settings_py.replace(
    "'payments']  # no orders", "'payments', 'orders.apps.OrdersConfig']"),
    encoding="utf-8")
(dev / "catalog/migrations/__init__.py").write_text("", encoding="utf-8")
(dev / ".gitignore").write_text("*.sqlite3\n__pycache__/\n", encoding="utf-8")
(dev / "payments/migrations/0001_initial.py").write_text(
    migration("payments_payment"), encoding="utf-8")
fixed = clone("fixed")
applied = manage(fixed, "migrate")
assert applied[0] == 0, applied
assert "Apply all migrations: accounts, catalog, orders, payments, reviews" in applied[1]
assert applied[1].count("... OK") == 5, applied
fixed_queries = query_errors(fixed)
assert set(fixed_queries.values()) == {"[]"}, fixed_queries
assert manage(fixed, "showmigrations", "catalog") == (0, "catalog\n [X] 0001_initial")
assert manage(fixed, "check_migrations") == (0, "ok")
conn = sqlite3.connect(fixed / "db.sqlite3")
assert len(conn.execute("SELECT * FROM django_migrations").fetchall()) == 5

assert ignored("reviews/migrations/0001_initial.py", ["reviews/migrations/"])
assert not ignored("accounts/migrations/0001_initial.py", ["reviews/migrations/"])
record(
    wrong_migrate=again[1].splitlines(),
    wrong_query_errors=[wrong_queries[t] for t in TABLES[1:]],
    problems=[p.replace(str(wrong.resolve()), "<clone>") for p in problems],
    uninstalled_models_import=unregistered,
    fixed_migrate=applied[1].splitlines(),
)
