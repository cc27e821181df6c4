"""Start a scheduler, bot or side server once under a development reloader, not in both processes."""

import os

# WRONG: start-up work at import time, or before app.run(debug=True) / manage.py runserver:
#   scheduler.start()          # runs in the reloader's watcher process AND in the child it starts
#   app.run(debug=True)        # Werkzeug prints " * Restarting with stat": the module runs again
# Every job then runs twice (two PIDs), a bot polls twice, a second bind of the same port fails
# with "Address already in use", and each start-up line is printed twice.

# The child a reloader starts to serve requests has one of these set to "true"; the watcher
# process (which only restarts the child when a file changes) has neither.
RELOADER_CHILD_FLAGS = ("WERKZEUG_RUN_MAIN", "RUN_MAIN")  # Flask/Werkzeug, Django runserver


def is_reloader_child():
    """True in the process a development reloader started to serve requests."""
    return any(os.environ.get(flag) == "true" for flag in RELOADER_CHILD_FLAGS)


def should_run_startup(reloader_enabled):
    """Run start-up work in the serving process only: never in a reloader's watcher process."""
    return not reloader_enabled or is_reloader_child()


def start_once(start, *, reloader_enabled, log=print):
    """Call start() only in the serving process; log the PID so a second copy shows at once."""
    pid = os.getpid()
    if not should_run_startup(reloader_enabled):
        log(f"start-up skipped in the reloader's watcher process (pid {pid})")
        return None
    log(f"start-up running in pid {pid}")
    return start()


# Flask, started with python app.py:
#   if __name__ == "__main__":
#       start_once(scheduler.start, reloader_enabled=True)
#       app.run(debug=True)
#   or keep the debugger and drop the reloader: app.run(debug=True, use_reloader=False)
#   (flask run --debug --no-reload). With `flask run --debug` and an app factory, call
#   start_once(scheduler.start, reloader_enabled=app.debug) inside create_app().
# Django, in AppConfig.ready():
#   reloading = "runserver" in sys.argv and "--noreload" not in sys.argv
#   start_once(scheduler.start, reloader_enabled=reloading)
# uvicorn: start it in the app's lifespan (it runs in the server process only), not at import.
