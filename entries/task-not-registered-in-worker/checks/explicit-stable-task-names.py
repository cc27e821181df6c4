"""A task's automatic name follows the path its module was imported by: a producer importing
proj/tasks.py as `tasks` sends 'tasks.add' to a worker that registered 'proj.tasks.add', which
drops it. An explicit name= makes both agree; the snippet finds the names that depend on imports."""

import json
import os
import subprocess
import sys
from pathlib import Path

from errata_check import load_snippet, record

# What Celery does for one task message: a task registers under "<module as imported>.<function>"
# (or its name=) when its module is imported; the worker imports the app and the modules of
# include= and autodiscover_tasks(), then looks each message's task name up in its registry.
MINICELERY = '''import importlib, json, os, sys, traceback, uuid

class NotRegistered(KeyError):
    pass

class TaskRegistry(dict):
    def __missing__(self, key):
        raise NotRegistered(key)

UNKNOWN_TASK_ERROR = """Received unregistered task of type %s.
The message has been ignored and discarded.

Did you remember to import the module containing this task?
Or maybe you're using relative imports?

Please see
https://docs.celeryq.dev/en/latest/internals/protocol.html
for more information.

The full contents of the message body was:
%s
"""

class Task:
    def __init__(self, app, name, run):
        self.app, self.name, self.run = app, name, run
    def __call__(self, *args):
        return self.run(*args)
    def delay(self, *args):
        return self.app.send_task(self.name, args)

class Loader:
    def __init__(self, app):
        self.app = app
    def import_default_modules(self):
        for module in self.app.conf["include"] + self.app.autodiscovered:
            importlib.import_module(module)

class Celery:
    def __init__(self, main, broker, include=()):
        self.main, self.broker = main, broker
        self.conf = {"include": list(include)}
        self.autodiscovered = []
        self.tasks = TaskRegistry({"celery.backend_cleanup": None, "celery.chord": None})
        self.loader = Loader(self)
    def autodiscover_tasks(self, packages, related_name="tasks"):
        self.autodiscovered += [p + "." + related_name for p in packages]
    def task(self, fun=None, name=None):
        def decorate(fun):
            task = Task(self, name or fun.__module__ + "." + fun.__name__, fun)
            self.tasks[task.name] = task
            return task
        return decorate(fun) if fun else decorate
    def send_task(self, name, args=()):
        task_id = str(uuid.uuid4())
        os.makedirs(self.broker, exist_ok=True)
        with open(os.path.join(self.broker, task_id + ".json"), "w") as out:
            json.dump({"task": name, "id": task_id, "args": list(args)}, out)
        return task_id

def worker_main(app, results):
    app.loader.import_default_modules()
    print("[tasks]", *("  . " + n for n in sorted(app.tasks)), sep="\\n", flush=True)
    strategies = dict(app.tasks)
    for entry in sorted(os.listdir(app.broker)):
        path = os.path.join(app.broker, entry)
        with open(path) as message:
            body = json.load(message)
        os.unlink(path)  # acknowledged: an unknown task is not requeued
        try:
            task = strategies[body["task"]]
        except KeyError:
            print("[ERROR/MainProcess] " + UNKNOWN_TASK_ERROR % (repr(body["task"]), body),
                  file=sys.stderr, end="")
            traceback.print_exc()
            continue
        print("Task %s[%s] succeeded" % (task.name, body["id"]), flush=True)
        with open(os.path.join(results, body["id"]), "w") as out:
            json.dump(task(*body["args"]), out)
'''


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


write("minicelery.py", MINICELERY)
BROKER, RESULTS = os.path.abspath("broker"), os.path.abspath("results")
os.makedirs(BROKER)
os.makedirs(RESULTS)
# `celery -A proj.celery worker` run from a project folder (its first argument), with the
# snippet's start-up check when --require names the tasks the producers send.
write(
    "worker.py",
    f"""import importlib, sys
sys.path.insert(0, sys.argv[1])
import minicelery
app = importlib.import_module("proj.celery").app
if "--require" in sys.argv:
    from errata_check import load_snippet
    app.loader.import_default_modules()
    load_snippet()["require_tasks"](app, sys.argv[sys.argv.index("--require") + 1:])
minicelery.worker_main(app, {RESULTS!r})
""",
)


def run(*cmd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = [sys.executable, "-S", "-B", *cmd]
    return subprocess.run(full, capture_output=True, text=True, timeout=60, env=env)


def queued() -> int:
    return len(os.listdir(BROKER))


def results() -> list:
    return [json.loads(Path(RESULTS, n).read_text(encoding="utf-8")) for n in os.listdir(RESULTS)]


def clear() -> None:
    for folder in (BROKER, RESULTS):
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))


ns = load_snippet()
APP = f"from minicelery import Celery\napp = Celery('proj', broker={BROKER!r}, include=['proj.tasks'])\n"
# A producer script inside the package (python proj/web.py): its folder is sys.path[0], so
# `import tasks` finds proj/tasks.py under the top-level name `tasks` (what an old implicit
# relative import also did); the project root is on PYTHONPATH, so proj.celery imports too.
WEB = "import tasks\nprint(tasks.add.name)\ntasks.add.delay(2, 3)\n"


def project(folder: str, decorator: str) -> str:
    write(f"{folder}/proj/__init__.py", "")
    write(f"{folder}/proj/celery.py", APP)
    write(
        f"{folder}/proj/tasks.py",
        f"from proj.celery import app\n\n{decorator}\ndef add(x, y):\n    return x + y\n",
    )
    write(f"{folder}/proj/web.py", WEB)
    return os.path.abspath(folder)


def produce(root: str) -> str:
    sent = run(
        os.path.join(root, "proj", "web.py"),
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.getcwd()])),
    )
    assert sent.returncode == 0, sent.stderr
    return sent.stdout.strip()


write(
    "both.py",
    """import json, os, sys
root = sys.argv[1]
sys.path[:0] = [os.path.join(root, "proj"), root]
import minicelery
import proj.tasks
import tasks
from errata_check import load_snippet
app = proj.celery.app
names = sorted(n for n in app.tasks if not n.startswith("celery."))
print(json.dumps([load_snippet()["task_name_problems"](app, "proj"), names]))
""",
)


def both_imports(root: str) -> tuple[list, list]:
    """Import the tasks module both ways in one process (a child), as a shell or a test run
    might; the snippet's task_name_problems reads the app there."""
    child = run("both.py", root)
    assert child.returncode == 0, child.stderr
    problems, names = json.loads(child.stdout)
    return problems, names


# 1. WRONG: automatic names. The producer sends 'tasks.add'; the worker registered 'proj.tasks.add'.
auto = project("auto", "@app.task")
sent_name = produce(auto)
assert sent_name == "tasks.add", sent_name
wrong = run("worker.py", auto)
assert "  . proj.tasks.add" in wrong.stdout, wrong.stdout
unknown = (
    "Received unregistered task of type 'tasks.add'.\nThe message has been ignored and discarded."
)
assert unknown in wrong.stderr and "Or maybe you're using relative imports?" in wrong.stderr, (
    wrong.stderr
)
assert results() == [] and queued() == 0, results()

# 2. One process that imports the module both ways holds one function under two task names.
problems, names = both_imports(auto)
assert names == ["proj.tasks.add", "tasks.add"], names
assert len(problems) == 2, problems
assert problems[0].startswith("tasks.add: not under proj."), problems
assert "is registered as ['proj.tasks.add', 'tasks.add']: one task, two names" in problems[1], (
    problems
)

# 3. FIXED: an explicit name. The producer and the worker register 'proj.add' whatever the
# import path, and the message runs.
named = project("named", "@app.task(name='proj.add')")
assert produce(named) == "proj.add"
fixed = run("worker.py", named)
assert fixed.returncode == 0 and "Received unregistered task" not in fixed.stderr, fixed
assert "Task proj.add[" in fixed.stdout and results() == [5], (fixed.stdout, results())
fixed_problems, fixed_names = both_imports(named)
assert fixed_problems == [] and fixed_names == ["proj.add"], (fixed_problems, fixed_names)

# 4. A task defined in a module run as a script gets a __main__ name no worker has.
sys.path.insert(0, named)
import proj.tasks  # noqa: E402,F401  (the first import of this project in this process)

main_app = proj.celery.app
main_app.tasks["__main__.cleanup"] = main_app.tasks["proj.add"]
flagged = ns["task_name_problems"](main_app, "proj")
assert flagged[0].startswith("__main__.cleanup: defined in a module run as a script"), flagged

record(
    producer_sent=sent_name,
    worker_registered="proj.tasks.add",
    wrong_error=unknown.splitlines()[0],
    names_in_one_process=names,
    problems_found=len(problems),
    fixed_name="proj.add",
    fixed_results=[5],
)
