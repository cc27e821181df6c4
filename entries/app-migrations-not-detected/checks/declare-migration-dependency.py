"""A migration that writes django_site without declaring a dependency on the sites app runs first
(apps that do not depend on each other migrate in app-label order, "shop" before "sites") and
migrate stops with "no such table: django_site"; the snippet's migration declares
("sites", "0002_alter_domain_unique"), so sites' migrations run first and it applies. A
dependency on an installed app that has a migrations package but no migration stops migrate
with Django's "Dependency on app with no migrations".

What is modelled: the sandbox has no Django (standard library only), so the check writes a
stand-in `django` package that copies what matters here, with the same names (the same stand-in
as the other check of this entry): MigrationLoader reads each installed app's migrations package
and links each migration to its `dependencies` (`__first__` resolves to the app's root node,
an unmigrated app's to nothing, an app with no migrations to Django's ValueError); migrate takes
the graph's leaf nodes sorted by (app label, name) as targets and applies each target's
ancestors, parents in sorted order, as Django's MigrationGraph.leaf_nodes and forwards_plan do.
django.contrib.sites is a stand-in app whose two migrations create django_site with RunSQL
(Django's own use CreateModel and AlterField). Every command runs as `python manage.py ...` in a
fresh interpreter.
"""

import shutil
import sqlite3
import subprocess
import sys
import tempfile
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

STANDIN.update({
    "django/contrib/__init__.py": "",
    "django/contrib/sites/__init__.py": "",
    "django/contrib/sites/models.py": "# class Site(models.Model): domain, name\n",
    "django/contrib/sites/migrations/__init__.py": "",
    "django/contrib/sites/migrations/0001_initial.py": (
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = []\n"
        "    operations = [migrations.RunSQL('CREATE TABLE django_site (id INTEGER PRIMARY KEY, "
        "domain VARCHAR(100) NOT NULL, name VARCHAR(50) NOT NULL)')]\n"
    ),
    "django/contrib/sites/migrations/0002_alter_domain_unique.py": (
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = [('sites', '0001_initial')]\n"
        "    operations = [migrations.RunSQL("
        "'CREATE UNIQUE INDEX django_site_domain_uniq ON django_site (domain)')]\n"
    ),
})
PROJECT = {
    "manage.py": (
        "import os, sys\n"
        "sys.path.insert(0, os.environ['DJANGO_STANDIN'])\n"
        "import django\nfrom django.conf import settings\nimport settings as project\n"
        "settings.configure(**{k: getattr(project, k) for k in dir(project) if k.isupper()})\n"
        "django.setup()\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(sys.argv)\n"
    ),
    "settings.py": (
        "import os\n\nBASE_DIR = os.path.dirname(os.path.abspath(__file__))\n"
        "DATABASE = os.path.join(BASE_DIR, 'db.sqlite3')\n"
        "INSTALLED_APPS = ['django.contrib.sites', 'shop', 'payments']\n"
    ),
    "shop/__init__.py": "",
    "shop/models.py": "# class SiteBanner(models.Model): site = models.ForeignKey(Site, ...)\n",
    "shop/migrations/__init__.py": "",
    "payments/__init__.py": "",
    "payments/models.py": "# class Payment(models.Model): ... (makemigrations payments never ran)\n",
    "payments/migrations/__init__.py": "",
}
WRONG_MIGRATION = (  # the snippet's migration as first written: no dependencies
    "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
    "    dependencies = []\n"
    "    operations = [\n"
    "        migrations.RunSQL(\"INSERT INTO django_site (id, domain, name) "
    "VALUES (1, 'shop.example', 'Shop')\"),\n"
    "        migrations.RunSQL('CREATE TABLE shop_sitebanner (id INTEGER PRIMARY KEY, "
    "site_id INTEGER NOT NULL REFERENCES django_site (id), text TEXT NOT NULL)'),\n"
    "    ]\n"
)

folder = Path(tempfile.mkdtemp())
standin = folder / "standin"
for name, text in STANDIN.items():
    (standin / name).parent.mkdir(parents=True, exist_ok=True)
    (standin / name).write_text(text.lstrip("\n"), encoding="utf-8")


def project(name: str, shop_migration: str) -> Path:
    """A project whose shop/migrations/0001_initial.py is the given text."""
    base = folder / name
    for path, text in {**PROJECT, "shop/migrations/0001_initial.py": shop_migration}.items():
        (base / path).parent.mkdir(parents=True, exist_ok=True)
        (base / path).write_text(text, encoding="utf-8")
    return base


def manage(base: Path, *args: str) -> tuple[int, str]:
    """`python manage.py ARGS` in a fresh interpreter: exit code and output."""
    run = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=base, capture_output=True, text=True, timeout=60,
        env={"DJANGO_STANDIN": str(standin), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return run.returncode, (run.stdout + run.stderr).strip()


def tables(base: Path) -> set[str]:
    rows = sqlite3.connect(base / "db.sqlite3").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r[0] for r in rows} - {"django_migrations"}


# 1. Without the dependency: shop sorts before sites, so its migration runs first and fails.
wrong = project("wrong", WRONG_MIGRATION)
code, wrong_output = manage(wrong, "migrate")
assert code == 1, wrong_output
assert wrong_output.splitlines()[1] == "  Apply all migrations: shop, sites", wrong_output
assert wrong_output.endswith(
    "  Applying shop.0001_initial...django.db.utils.OperationalError: no such table: django_site"
), wrong_output
assert tables(wrong) == set(), tables(wrong)

# 2. The snippet's migration: sites' two migrations run first, then shop's.
with open(SNIPPET_FILE, encoding="utf-8") as file:
    fixed = project("fixed", file.read())
sys.path.insert(0, str(standin))
declared = load_snippet()["Migration"].dependencies  # the snippet imports (stand-in) Django
assert ("sites", "0002_alter_domain_unique") in declared, declared
code, fixed_output = manage(fixed, "migrate")
assert code == 0, fixed_output
applying = [line for line in fixed_output.splitlines() if line.startswith("  Applying")]
assert applying == [
    "  Applying sites.0001_initial... OK",
    "  Applying sites.0002_alter_domain_unique... OK",
    "  Applying shop.0001_initial... OK",
], fixed_output
assert tables(fixed) == {"django_site", "shop_sitebanner"}, tables(fixed)
site = sqlite3.connect(fixed / "db.sqlite3").execute("SELECT domain FROM django_site").fetchall()
assert site == [("shop.example",)], site
assert manage(fixed, "migrate")[1].endswith("No migrations to apply.")

# 3. A dependency on an app whose migrations package holds no migration yet.
(fixed / "shop/migrations/0002_payment_banner.py").write_text(
    "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
    "    dependencies = [('shop', '0001_initial'), ('payments', '__first__')]\n"
    "    operations = []\n",
    encoding="utf-8",
)
code, no_migrations = manage(fixed, "migrate")
assert code == 1
assert no_migrations.splitlines()[-1] == (
    "ValueError: Dependency on app with no migrations: payments"), no_migrations

record(
    without_dependency=wrong_output.splitlines()[-1],
    with_dependency=applying,
    dependency_on_app_without_migrations=no_migrations.splitlines()[-1],
)
