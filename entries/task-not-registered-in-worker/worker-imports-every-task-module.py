"""Make every worker know every task the producers send, and fail at start-up, naming the missing
ones, instead of discarding messages later."""

# WRONG: the worker never imports the module that defines the task.
#   # proj/celery.py
#   app = Celery("proj", broker=BROKER_URL)      # no include=, no autodiscover_tasks()
#   # proj/tasks.py
#   @app.task
#   def add(x, y): ...                             # registered only in processes that import it
# The web process imports proj.tasks and sends 'proj.tasks.add'; `celery -A proj worker` imports
# proj.celery only, its [tasks] banner lists celery.* alone, and every message is dropped:
#   Received unregistered task of type 'proj.tasks.add'.
#   The message has been ignored and discarded.
# The same happens with a worker started with another app (-A other), from another folder, or
# from an image built before the task was added.
#
# FIX, in the app module every worker and producer uses:
#   app = Celery("proj", broker=BROKER_URL, include=["proj.tasks", "proj.emails.tasks"])
#   app.autodiscover_tasks()        # Django: the tasks.py of every INSTALLED_APPS entry
#   app.autodiscover_tasks(["proj.billing", "proj.reports"])   # plain packages: their tasks.py
# and start every worker with that app: celery -A proj worker (from the folder holding proj/).

BUILTIN_PREFIX = "celery."  # Celery's own tasks (celery.chord, celery.backend_cleanup...)


def registered_task_names(app):
    """The application's task names this process knows (what the worker's [tasks] banner lists)."""
    return sorted(name for name in app.tasks.keys() if not name.startswith(BUILTIN_PREFIX))


def require_tasks(app, expected):
    """Raise, naming the missing tasks, unless this process has registered every expected name.

    Call it after the task modules were imported (app.loader.import_default_modules() imports
    include= and autodiscovered modules): in a start-up probe, a deploy smoke test or a test.
    """
    missing = sorted(set(expected) - set(app.tasks.keys()))
    if missing:
        raise RuntimeError(
            f"this worker has not registered {missing}; it knows {registered_task_names(app)}. "
            "Import their modules in the app (Celery(include=[...]) or app.autodiscover_tasks()), "
            "start the worker with the producers' app (-A proj) from the project folder, and "
            "redeploy workers together with the code that sends these tasks"
        )
    return registered_task_names(app)


def workers_missing_tasks(expected, registered_by_worker):
    """Which running workers lack which expected tasks.

    registered_by_worker is what app.control.inspect().registered() returns (the same as
    `celery -A proj inspect registered`): {worker name: [task name, ...]}, or None when no worker
    answered. Names may carry options ("proj.tasks.add [rate_limit=10/m]"); they are stripped.
    """
    if not registered_by_worker:
        return {"(no worker answered)": sorted(expected)}
    missing = {}
    for worker, names in registered_by_worker.items():
        known = {name.split(" ")[0] for name in names or ()}
        lacking = sorted(set(expected) - known)
        if lacking:
            missing[worker] = lacking
    return missing


# Use, in a deploy smoke test or a readiness probe (EXPECTED: what the producers send):
#   EXPECTED = [add.name, send_invoice.name]
#   app.loader.import_default_modules()
#   require_tasks(app, EXPECTED)                       # this image registers them all
#   stale = workers_missing_tasks(EXPECTED, app.control.inspect(timeout=5).registered())
#   if stale: raise SystemExit(f"restart or redeploy these workers: {stale}")
