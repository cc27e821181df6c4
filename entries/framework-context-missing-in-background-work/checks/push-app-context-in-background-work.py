"""Work started from a view, a pool, a scheduler or a Celery worker has no app context; pushed, it works."""

import sys
import tempfile
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from errata_check import load_snippet, record

# A stand-in for flask (not installed in the sandbox) that keeps contexts as Flask 2.2+ does: in
# context variables, read through proxies that raise Flask's messages when nothing is pushed. A
# new thread starts with an empty context, as in CPython; the messages are flask/globals.py's.
# It is written as a real package in a temporary directory put first on sys.path, so the
# snippet's own `from flask import ...` finds it as it would find Flask.
FLASK_SOURCE = textwrap.dedent(
    r'''
    import contextvars
    import functools
    import types


    APP_MSG = (
        "Working outside of application context.\n\n"
        "This typically means that you attempted to use functionality that needed\n"
        "the current application. To solve this, set up an application context\n"
        "with app.app_context(). See the documentation for more information."
    )
    REQUEST_MSG = (
        "Working outside of request context.\n\n"
        "This typically means that you attempted to use functionality that needed\n"
        "an active HTTP request. Consult the documentation on testing for\n"
        "information about how to avoid this problem."
    )
    _cv_app: contextvars.ContextVar = contextvars.ContextVar("flask.app_ctx")
    _cv_request: contextvars.ContextVar = contextvars.ContextVar("flask.request_ctx")


    class LocalProxy:
        def __init__(self, var, attr, message):
            object.__setattr__(self, "_var", var)
            object.__setattr__(self, "_attr", attr)
            object.__setattr__(self, "_message", message)

        def _get_current_object(self):
            try:
                ctx = self._var.get()
            except LookupError:
                raise RuntimeError(self._message) from None
            return getattr(ctx, self._attr)

        def __getattr__(self, name):
            return getattr(self._get_current_object(), name)

        def __setattr__(self, name, value):
            setattr(self._get_current_object(), name, value)

        def __getitem__(self, key):
            return self._get_current_object()[key]

        def __setitem__(self, key, value):
            self._get_current_object()[key] = value


    class AppContext:
        def __init__(self, app):
            self.app, self.g, self._tokens = app, types.SimpleNamespace(), []

        def push(self):
            self._tokens.append(_cv_app.set(self))

        def pop(self):
            _cv_app.reset(self._tokens.pop())

        def __enter__(self):
            self.push()
            return self

        def __exit__(self, *exc):
            self.pop()


    class Request:
        def __init__(self, path, args, form):
            self.path, self.args, self.form = path, dict(args), dict(form)


    class RequestContext:
        def __init__(self, app, request, session):
            self.app, self.request, self.session = app, request, session
            self._pushed = []

        def copy(self):
            return RequestContext(self.app, self.request, self.session)

        def push(self):
            app_ctx = None
            try:
                if _cv_app.get().app is not self.app:
                    app_ctx = AppContext(self.app)
            except LookupError:
                app_ctx = AppContext(self.app)
            if app_ctx is not None:
                app_ctx.push()
            self._pushed.append((app_ctx, _cv_request.set(self)))

        def pop(self):
            app_ctx, token = self._pushed.pop()
            _cv_request.reset(token)
            if app_ctx is not None:
                app_ctx.pop()

        def __enter__(self):
            self.push()
            return self

        def __exit__(self, *exc):
            self.pop()


    class Flask:
        def __init__(self, name, **config):
            self.name, self.config, self.extensions = name, dict(config), {}

        def app_context(self):
            return AppContext(self)

        def test_request_context(self, path="/", args=(), form=(), session=None):
            return RequestContext(self, Request(path, args, form), dict(session or {}))


    def copy_current_request_context(f):
        try:
            ctx = _cv_request.get()
        except LookupError:
            raise RuntimeError(
                "'copy_current_request_context' can only be used when a request context is active,"
                " such as in a view function."
            ) from None
        ctx = ctx.copy()

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            with ctx:
                return f(*args, **kwargs)

        return wrapper


    current_app = LocalProxy(_cv_app, "app", APP_MSG)
    g = LocalProxy(_cv_app, "g", APP_MSG)
    request = LocalProxy(_cv_request, "request", REQUEST_MSG)
    session = LocalProxy(_cv_request, "session", REQUEST_MSG)
    '''
)
standin = Path(tempfile.mkdtemp(prefix="flask-standin-"))
(standin / "flask").mkdir()
(standin / "flask" / "__init__.py").write_text(FLASK_SOURCE)
sys.path.insert(0, str(standin))

from flask import APP_MSG, Flask, current_app, g  # noqa: E402

shop = Flask("shop", MAIL_SENDER="shop@example.org")
admin = Flask("admin", MAIL_SENDER="admin@example.org")
for flask_app in (shop, admin):
    flask_app.extensions["sent"] = []  # what an extension (Flask-Mail, db.session) writes to


def send_report(report_id):
    """Reads the current app's config and g and writes through its extension, as jobs do."""
    sender = current_app.config["MAIL_SENDER"]
    current_app.extensions["sent"].append((report_id, sender, getattr(g, "user", None)))
    return sender


def outcome(fn, *args):
    """Call fn in a new thread, as threading.Thread or a scheduler's pool does: its result or error."""
    out = {}

    def body():
        try:
            out["value"] = fn(*args)
        except RuntimeError as exc:
            out["error"] = str(exc)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(10)
    return out


class Task:
    """What a Celery worker calls: task(*args) runs task.run(*args), in the worker's thread."""

    def __call__(self, *args, **kwargs):
        return self.run(*args, **kwargs)


# 0. Inside the view the proxies work.
with shop.test_request_context("/report"):
    assert send_report(0) == "shop@example.org"

# 1. A thread started from the view has no app context: Flask's message, word for word.
with shop.test_request_context("/report"):
    from_view = outcome(send_report, 1)
assert from_view == {"error": APP_MSG}, from_view

# 2. A thread pool from the view: the future raises it.
with shop.test_request_context("/report"), ThreadPoolExecutor(2) as pool:
    future = pool.submit(send_report, 2)
    try:
        future.result(10)
        executor_error = None
    except RuntimeError as exc:
        executor_error = str(exc)
assert executor_error == APP_MSG, executor_error


# 3. current_app itself handed to the thread: a proxy, empty there, so its app_context() fails too.
def job_given(app_arg, report_id):
    with app_arg.app_context():
        return send_report(report_id)


with shop.test_request_context("/report"):
    given_proxy = outcome(job_given, current_app, 3)
assert given_proxy == {"error": APP_MSG}, given_proxy


# 4. A scheduler job, a script and a Celery task run by the worker: no context pushed either.
class SendReport(Task):
    def run(self, report_id):
        return send_report(report_id)


assert outcome(send_report, 4) == {"error": APP_MSG}
assert outcome(SendReport(), 5) == {"error": APP_MSG}
try:
    send_report(6)  # a module's top level or a script, in the main thread
    raise AssertionError("no error outside any context")
except RuntimeError as exc:
    assert str(exc) == APP_MSG
wrong_failures = 6
assert shop.extensions["sent"] == [(0, "shop@example.org", None)], shop.extensions["sent"]

ns = load_snippet()
start_in_app_context = ns["start_in_app_context"]
with_app_context = ns["with_app_context"]
context_task_base = ns["context_task_base"]

# 5. The fix from a view: the thread pushes the view's app; it runs after the request has ended,
#    with a g of its own (the request's g is not carried over).
released = threading.Event()


def send_after_request(report_id):
    assert released.wait(10)
    return send_report(report_id)


with shop.test_request_context("/report"):
    g.user = "ada"
    thread = start_in_app_context(send_after_request, 11)
released.set()  # the request context is popped: the view has returned
thread.join(10)
assert shop.extensions["sent"][-1] == (11, "shop@example.org", None), shop.extensions["sent"]

# 6. Two apps: the thread gets the app of the view that started it, not another.
with admin.test_request_context("/report"):
    start_in_app_context(send_report, 12).join(10)
assert admin.extensions["sent"] == [(12, "admin@example.org", None)], admin.extensions["sent"]

# 7. with_app_context(app) for a pool, a scheduler's thread and a script.
job = with_app_context(shop)(send_report)
assert job.__name__ == "send_report"
with ThreadPoolExecutor(2) as pool:
    assert pool.submit(job, 13).result(10) == "shop@example.org"
assert outcome(job, 14) == {"value": "shop@example.org"}
assert job(15) == "shop@example.org"  # a script, in the main thread

# 8. Celery: a task class built on context_task_base runs in the worker's thread with the app.
FlaskTask = context_task_base(shop, Task)


class SendReportWithApp(FlaskTask):
    def run(self, report_id):
        return send_report(report_id)


assert outcome(SendReportWithApp(), 16) == {"value": "shop@example.org"}
sent_ids = [row[0] for row in shop.extensions["sent"]]
assert sent_ids == [0, 11, 13, 14, 15, 16], sent_ids

# 9. Every context pushed was popped: outside them, the proxy raises again.
try:
    current_app.name
    raise AssertionError("a context was left pushed")
except RuntimeError as exc:
    assert str(exc) == APP_MSG

record(
    wrong_failures=wrong_failures,
    wrong_message=APP_MSG.splitlines()[0],
    fixed_runs=len(sent_ids) - 1 + len(admin.extensions["sent"]),
    fixed_threads_apps=["shop", "admin"],
)
