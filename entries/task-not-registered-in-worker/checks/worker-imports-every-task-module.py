"""A worker that never imported the task's module drops its messages as unregistered; the app's
include= or autodiscover_tasks() lets it run them, the snippet's start-up check names what is
missing before any message is lost, and a worker running old code is found by its registry."""

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
TASKS_V1 = "from proj.celery import app\n\n@app.task\ndef add(x, y):\n    return x + y\n"
TASKS_V2 = TASKS_V1 + "\n@app.task\ndef send_invoice(order):\n    return f'invoice {order} sent'\n"
APP = f"from minicelery import Celery\napp = Celery('proj', broker={BROKER!r}{{extra}})\n{{after}}"


def project(folder: str, extra: str = "", after: str = "", tasks: str = TASKS_V2) -> str:
    """A project folder holding proj/celery.py (the app) and proj/tasks.py (the tasks)."""
    write(f"{folder}/proj/__init__.py", "")
    write(f"{folder}/proj/celery.py", APP.format(extra=extra, after=after))
    write(f"{folder}/proj/tasks.py", tasks)
    return os.path.abspath(folder)


def produce(root: str, call: str) -> None:
    """The web process: it imports the tasks module and sends a task."""
    code = f"import sys\nsys.path.insert(0, {root!r})\nfrom proj.tasks import *\n{call}\n"
    sent = run("-c", code)
    assert sent.returncode == 0, sent.stderr


# 1. WRONG: proj/celery.py imports no task module; the producer sends 'proj.tasks.add', the worker
# started with -A proj.celery lists only celery.* tasks and discards the message.
bare = project("bare")
produce(bare, "add.delay(2, 3)")
wrong = run("worker.py", bare)
assert wrong.returncode == 0, wrong.stderr
assert "  . proj.tasks.add" not in wrong.stdout, wrong.stdout
unknown = "Received unregistered task of type 'proj.tasks.add'.\nThe message has been ignored and discarded."
assert unknown in wrong.stderr and "KeyError: 'proj.tasks.add'" in wrong.stderr, wrong.stderr
assert queued() == 0 and results() == [], (queued(), results())  # gone, never run

# 2. Calling it by name in a process that never imported the module: NotRegistered.
sys.path.insert(0, bare)
import proj.celery  # noqa: E402  (the bare app, as a process without the tasks module has it)

try:
    proj.celery.app.tasks["proj.tasks.add"]
    not_registered = ""
except KeyError as exc:
    not_registered = f"{type(exc).__name__}: {exc}"
assert not_registered == "NotRegistered: 'proj.tasks.add'", not_registered
try:
    ns["require_tasks"](proj.celery.app, ["proj.tasks.add"])
    refused = ""
except RuntimeError as exc:
    refused = str(exc)
assert refused.startswith("this worker has not registered ['proj.tasks.add']"), refused

# 3. The snippet's start-up check: the same worker stops before consuming, naming the task, and
# the message stays queued for a worker that knows it.
produce(bare, "add.delay(2, 3)")
stopped = run("worker.py", bare, "--require", "proj.tasks.add", "proj.tasks.send_invoice")
assert stopped.returncode != 0, stopped
assert (
    "RuntimeError: this worker has not registered ['proj.tasks.add', 'proj.tasks.send_invoice']"
    in stopped.stderr
), stopped.stderr
assert "Received unregistered task" not in stopped.stderr and queued() == 1, stopped.stderr

# 4. FIXED with include=: the worker imports proj.tasks, lists it, runs the queued message.
included = project("included", extra=", include=['proj.tasks']")
fixed = run("worker.py", included, "--require", "proj.tasks.add", "proj.tasks.send_invoice")
assert fixed.returncode == 0 and "Received unregistered task" not in fixed.stderr, fixed
assert "  . proj.tasks.add" in fixed.stdout and results() == [5], (fixed.stdout, results())
clear()

# 5. FIXED with autodiscover_tasks(): the same, for a package's tasks.py.
found = project("autodiscover", after="app.autodiscover_tasks(['proj'])\n")
produce(found, "add.delay(20, 22)\nsend_invoice.delay(7)")
discovered = run("worker.py", found, "--require", "proj.tasks.add", "proj.tasks.send_invoice")
assert discovered.returncode == 0 and "Received unregistered task" not in discovered.stderr, (
    discovered
)
autodiscover_results = sorted(map(str, results()))
assert autodiscover_results == ["42", "invoice 7 sent"], autodiscover_results
clear()

# 6. A worker still running the old code (an image built before send_invoice existed): the new
# producer's task is unregistered there; comparing what each worker registered finds it.
old = project("old-image", extra=", include=['proj.tasks']", tasks=TASKS_V1)
produce(found, "send_invoice.delay(8)")
stale = run("worker.py", old)
assert "Received unregistered task of type 'proj.tasks.send_invoice'." in stale.stderr, stale.stderr
assert results() == [], results()


def banner(output: str) -> list:
    return [line[4:] for line in output.splitlines() if line.startswith("  . ")]


registered = {"celery@old": banner(stale.stdout), "celery@new": banner(discovered.stdout)}
expected = ["proj.tasks.add", "proj.tasks.send_invoice"]
lacking = ns["workers_missing_tasks"](expected, registered)
assert lacking == {"celery@old": ["proj.tasks.send_invoice"]}, lacking
assert ns["workers_missing_tasks"](expected, None) == {"(no worker answered)": expected}
with_options = {"celery@new": ["proj.tasks.add [rate_limit=10/m]", "proj.tasks.send_invoice"]}
assert ns["workers_missing_tasks"](expected, with_options) == {}

record(
    wrong_error=unknown.splitlines()[0],
    not_registered=not_registered,
    wrong_results=0,
    startup_check_kept_message=True,
    include_results=[5],
    autodiscover_results=autodiscover_results,
    stale_worker_missing=lacking,
)
