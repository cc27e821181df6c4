"""Run background work inside the Flask app's context: push it where the work runs."""

import functools
import threading

from flask import current_app

# WRONG: the work runs where no application context was pushed.
#     @app.post("/report")
#     def report():
#         threading.Thread(target=send_report).start()     # or executor.submit(send_report)
#         return "queued"
#     def send_report():
#         sender = current_app.config["MAIL_SENDER"]       # or g, url_for, db.session, mail.send
#         -> RuntimeError: Working outside of application context.
# Flask keeps the app and request in context variables; a new thread, a pool worker, a Celery/RQ
# task, an APScheduler job, a script or a module's top level starts with none of them pushed.
# Passing `current_app` itself does not help: it is a proxy, empty in the other thread, so
# `current_app.app_context()` there raises the same error. Pass the real app object.


def start_in_app_context(target, *args, **kwargs):
    """From a view or CLI command: run target in a thread that pushes this app's context."""
    app = current_app._get_current_object()  # the Flask object behind the proxy, read here

    def run():
        with app.app_context():  # current_app, g, url_for (with SERVER_NAME), db.session work
            return target(*args, **kwargs)

    thread = threading.Thread(target=run, name=f"{target.__name__}-in-app-context", daemon=True)
    thread.start()
    return thread


def with_app_context(app):
    """Decorate a function that a scheduler, worker, executor or script calls outside a request."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with app.app_context():
                return fn(*args, **kwargs)

        return wrapper

    return decorate


def context_task_base(app, task_base):
    """Celery: a Task base class that runs every task inside app's context (Flask's FlaskTask)."""

    class FlaskTask(task_base):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    return FlaskTask


# Thread from a view:       start_in_app_context(send_report, report_id)
# Executor from a view:     app = current_app._get_current_object()
#                           executor.submit(with_app_context(app)(send_report), report_id)
# APScheduler job:          scheduler.add_job(with_app_context(app)(cleanup), "interval", hours=1)
#                           (Flask-APScheduler: with scheduler.app.app_context(): inside the job)
# Celery, in the app factory (as Flask's Celery pattern does):
#                           celery_app = Celery(app.name, task_cls=context_task_base(app, Task))
# RQ / huey / a script:     create the app in the worker or script, then
#                           with app.app_context(): run the job (or decorate it as above)
# Module top level:         read current_app.config inside functions, not at import; or do the
#                           set-up work inside `with app.app_context():` in the factory.
# Quart: app.add_background_task(fn) runs fn inside the app context after the response.
