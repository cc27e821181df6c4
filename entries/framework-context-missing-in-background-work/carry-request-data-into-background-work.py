"""Give background work what it needs from the request: plain values, or a copy of the request context."""

import threading

from flask import copy_current_request_context, current_app, request, session

# WRONG: a thread (executor, socket.io background task, Celery task) reads the request.
#     @app.post("/export")
#     def export():
#         threading.Thread(target=build_export).start()
#         return "started"
#     def build_export():
#         user_id = session["user_id"]                    # or request.args, request.form
#         -> RuntimeError: Working outside of request context.
# The request context exists only in the thread serving the request, and only until the response
# is sent; an app context pushed in the thread does not bring it back.


def request_snapshot(session_keys=()):
    """The request data background work may need, as plain values, read while the view runs."""
    return {
        "path": request.path,
        "args": dict(request.args),
        "form": dict(request.form),
        "session": {key: session.get(key) for key in session_keys},
    }


def start_with_request_values(target, *, session_keys=()):
    """Start target(values) in a thread with the app context and a snapshot of the request.

    Preferred: the thread may outlive the request, and a Celery/RQ task can take the same dict.
    """
    app = current_app._get_current_object()
    values = request_snapshot(session_keys)

    def run():
        with app.app_context():
            return target(values)

    thread = threading.Thread(target=run, name=f"{target.__name__}-with-values", daemon=True)
    thread.start()
    return thread


def start_with_request_context(target, *args, **kwargs):
    """Start target in a thread that sees request and session: a copy of the current request
    context is pushed there (flask.copy_current_request_context). For short work only; writes to
    the session in the thread never reach the response that was already sent."""
    thread = threading.Thread(
        target=copy_current_request_context(target), args=args, kwargs=kwargs, daemon=True
    )
    thread.start()
    return thread


# In a view:   start_with_request_values(build_export, session_keys=("user_id",))
#              def build_export(values): user_id = values["session"]["user_id"] ...
# Celery:      build_export_task.delay(request_snapshot(("user_id",)))   # JSON-serialisable
# Needs the request object itself (url_for with the request's host, a library reading request):
#              start_with_request_context(render_and_mail, order_id)
