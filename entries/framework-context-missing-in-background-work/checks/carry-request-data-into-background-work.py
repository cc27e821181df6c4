"""A thread reading request or session fails; plain values or a copied request context work."""

import sys
import tempfile
import textwrap
import threading
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

from flask import REQUEST_MSG, Flask, current_app, request, session  # noqa: E402

app = Flask("shop")
exports = []


def build_export():
    """What the background work wants from the request."""
    exports.append((request.args["fmt"], session["user_id"]))


def outcome(fn, *args):
    """Call fn in a new thread: its result or error."""
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


def view_context():
    return app.test_request_context("/export", args={"fmt": "csv"}, session={"user_id": 7})


# 1. In the view it works; in a thread started from the view, request is gone.
with view_context():
    build_export()
    from_thread = outcome(build_export)
assert exports == [("csv", 7)], exports
assert from_thread == {"error": REQUEST_MSG}, from_thread


# 2. An app context pushed in the thread does not bring the request back.
def with_app_only(flask_app):
    with flask_app.app_context():
        build_export()


with view_context():
    app_only = outcome(with_app_only, current_app._get_current_object())
assert app_only == {"error": REQUEST_MSG}, app_only
assert exports == [("csv", 7)], exports

ns = load_snippet()

# 3. Plain values: read in the view, used by the thread after the request has ended.
released = threading.Event()
received = []


def export_from_values(values):
    assert released.wait(10)
    received.append((values["args"]["fmt"], values["session"]["user_id"], current_app.name))


with view_context():
    thread = ns["start_with_request_values"](export_from_values, session_keys=("user_id",))
released.set()
thread.join(10)
assert received == [("csv", 7, "shop")], received
with view_context():
    snapshot = ns["request_snapshot"](("user_id", "missing"))
assert snapshot == {
    "path": "/export", "args": {"fmt": "csv"}, "form": {}, "session": {"user_id": 7, "missing": None}
}, snapshot

# 4. A copy of the request context: the thread reads request and session themselves.
with view_context():
    thread = ns["start_with_request_context"](build_export)
thread.join(10)
assert exports == [("csv", 7), ("csv", 7)], exports

# 5. Outside a request there is nothing to copy: it says so at once, in the caller.
try:
    ns["start_with_request_context"](build_export)
    raise AssertionError("copied a request context that does not exist")
except RuntimeError as exc:
    outside_error = str(exc)
assert "can only be used when a request context is active" in outside_error

record(
    wrong_thread_error=REQUEST_MSG.splitlines()[0],
    wrong_with_app_context_only=app_only["error"].splitlines()[0],
    fixed_values_received=list(received[0][:2]),
    fixed_copied_context_exports=len(exports) - 1,
)
