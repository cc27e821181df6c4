"""Give tasks names that do not depend on how their module was imported, and find the names that do."""

# WRONG: a task's automatic name is "<module as imported>.<function>". The worker imports
# proj/tasks.py as proj.tasks and registers 'proj.tasks.add'; a producer that runs a script inside
# proj/ (python proj/web.py, whose folder is sys.path[0]) or uses an old implicit relative import
# imports the same file as `tasks` and sends 'tasks.add':
#   Received unregistered task of type 'tasks.add'.
#   The message has been ignored and discarded.
#   Did you remember to import the module containing this task?
#   Or maybe you're using relative imports?
# A task moved or renamed between deploys changes its name in the same way, so messages sent by
# the old code (beat schedules, queued and delayed tasks) meet workers that no longer know them.
#
# FIX: an explicit name, kept when the function moves:
#   @app.task(name="proj.add")
#   def add(x, y): ...
# and one absolute import path everywhere (from proj.tasks import add; python -m proj.web,
# never a script inside the package). Keep the old name registered until queued messages drain.


def _origin(task):
    """Where the task's function is defined: the same file and function under two names is one task."""
    run = getattr(task, "run", task)
    code = getattr(run, "__code__", None)
    return (code.co_filename if code else None, getattr(run, "__qualname__", None))


def task_name_problems(app, package):
    """Task names a producer and a worker may not agree on; an empty list when there are none.

    package: the project's top-level package ("proj"); every task name should start with it.
    """
    problems = []
    by_origin = {}
    for name in sorted(app.tasks.keys()):
        if name.startswith("celery."):
            continue
        if name.startswith("__main__."):
            problems.append(f"{name}: defined in a module run as a script; name it explicitly")
        elif not name.startswith(package + "."):
            problems.append(
                f"{name}: not under {package}. - its module was imported by another path "
                f"(a script inside the package, a relative import); give it name='{package}....'"
            )
        origin = _origin(app.tasks[name])
        if origin[0] is not None:
            by_origin.setdefault(origin, []).append(name)
    for (filename, qualname), names in sorted(by_origin.items()):
        if len(names) > 1:
            problems.append(
                f"{qualname} in {filename} is registered as {names}: one task, two names"
            )
    return problems
