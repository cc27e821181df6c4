"""A page on http://localhost:3000 calls an API on http://localhost:8000 through a stand-in of the
browser's CORS check; the API runs as a WSGI app on a loopback server (a Unix socket: the sandbox
has no TCP). Without CORS, with a preflight that meets a 405, a 401, a redirect or a missing
Allow-Headers, the page gets the browser's messages; with CorsMiddleware every call works, and an
origin not in the list is still refused."""

import http.client
import io
import json
import os
import socket
import socketserver
import tempfile
import threading
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler

from errata_check import load_snippet, record

CorsMiddleware = load_snippet()["CorsMiddleware"]
PAGE, API = "http://localhost:3000", "http://localhost:8000"


# --- the loopback server: any WSGI app on a Unix socket --------------------------------------
class QuietHandler(WSGIRequestHandler):
    def setup(self):
        self.client_address = ("127.0.0.1", 0)  # a Unix socket has no peer address
        super().setup()

    def log_message(self, *args):
        pass


class UnixWSGIServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path, app):
        super().__init__(path, QuietHandler)
        self.app = app
        self.base_environ = {"SERVER_NAME": "localhost", "SERVER_PORT": "8000",
                             "GATEWAY_INTERFACE": "CGI/1.1", "SCRIPT_NAME": ""}

    def get_app(self):
        app = self.app

        def body_read_first(environ, start_response):
            # as a real server does, take the whole request in before answering: an app that
            # answers without reading a body (a redirect, a 401) must not close the socket on a
            # client still sending it (a broken pipe on a busy machine)
            size = int(environ.get("CONTENT_LENGTH") or 0)
            environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(size))
            return app(environ, start_response)

        return body_read_first


SOCKETS = {}  # origin -> Unix socket path: what DNS and TCP would do


def serve(origin, app):
    path = os.path.join(tempfile.mkdtemp(), "s.sock")
    server = UnixWSGIServer(path, app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    SOCKETS[origin] = path
    return server


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(self.path)


def send(method, url, headers, body=None):
    parts = urlsplit(url)
    conn = UnixConnection(SOCKETS[f"{parts.scheme}://{parts.netloc}"])
    conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


# --- a stand-in of the browser's CORS check (Fetch standard, Chrome's console wording) -------
class CorsBlocked(Exception):
    """What the page sees is TypeError: Failed to fetch; the console shows the reason."""


SAFELISTED = {"accept", "accept-language", "content-language"}
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def unsafe_headers(headers):
    names = []
    for name, value in headers.items():
        low = name.lower()
        if low == "content-type" and value.split(";")[0].strip().lower() in SIMPLE_TYPES:
            continue
        if low not in SAFELISTED:
            names.append(low)
    return sorted(names)


def access_check(headers, origin):
    allow = headers.get("access-control-allow-origin")
    if allow is None:
        return "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    if allow != "*" and allow != origin:
        return (f"The 'Access-Control-Allow-Origin' header has a value '{allow}' that is not "
                "equal to the supplied origin.")
    return None


def browser_fetch(page, url, method="GET", headers=None, body=None, hops=0):
    """fetch(url, {method, headers, body}) from a page on `page`; returns (status, json)."""
    headers = dict(headers or {})
    target = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    if target == page:  # same origin: no CORS at all
        status, _, data = send(method, url, headers, body)
        return status, json.loads(data or b"null")
    blocked = f"Access to fetch at '{url}' from origin '{page}' has been blocked by CORS policy: "
    unsafe = unsafe_headers(headers)
    if method not in ("GET", "HEAD", "POST") or unsafe:
        pre = {"Origin": page, "Access-Control-Request-Method": method}
        if unsafe:
            pre["Access-Control-Request-Headers"] = ",".join(unsafe)
        status, got, _ = send("OPTIONS", url, pre)
        why = "Response to preflight request doesn't pass access control check: "
        if 300 <= status < 400:
            raise CorsBlocked(blocked + why + "Redirect is not allowed for a preflight request.")
        problem = access_check(got, page)
        if problem:
            raise CorsBlocked(blocked + why + problem)
        if not 200 <= status < 300:
            raise CorsBlocked(blocked + why + "It does not have HTTP ok status.")
        methods = [m.strip().upper() for m in got.get("access-control-allow-methods", "").split(",")]
        if method not in ("GET", "HEAD", "POST") and method not in methods and "*" not in methods:
            raise CorsBlocked(blocked + f"Method {method} is not allowed by "
                              "Access-Control-Allow-Methods in preflight response.")
        allowed = [h.strip().lower() for h in got.get("access-control-allow-headers", "").split(",")]
        for name in unsafe:
            if name not in allowed and not ("*" in allowed and name != "authorization"):
                raise CorsBlocked(blocked + f"Request header field {name} is not allowed by "
                                  "Access-Control-Allow-Headers in preflight response.")
    status, got, data = send(method, url, {**headers, "Origin": page}, body)
    problem = access_check(got, page)
    if 300 <= status < 400 and "location" in got:
        location = got["location"] if "://" in got["location"] else target + got["location"]
        if problem:
            raise CorsBlocked(f"Access to fetch at '{location}' (redirected from '{url}') from origin "
                              f"'{page}' has been blocked by CORS policy: {problem}")
        assert hops < 5
        return browser_fetch(page, location, method, headers, body, hops + 1)
    if problem:
        raise CorsBlocked(blocked + problem)
    return status, json.loads(data or b"null")


# --- the API: the kind of app FastAPI or Flask makes, in plain WSGI --------------------------
seen = []  # what reached the API's route handlers


def json_response(start_response, status, payload, extra=()):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *extra])
    return [body]


def items_app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    if path != "/api/items":
        return json_response(start_response, "404 Not Found", {"detail": "Not Found"})
    if method == "GET":
        seen.append("GET")
        return json_response(start_response, "200 OK", [{"id": 1, "name": "tea"}])
    if method == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        item = json.loads(environ["wsgi.input"].read(size))
        seen.append("POST")
        return json_response(start_response, "201 Created", {"id": 2, **item})
    if method == "DELETE":
        seen.append("DELETE")
        return json_response(start_response, "200 OK", {"deleted": 1})
    return json_response(start_response, "405 Method Not Allowed", {"detail": "Method Not Allowed"})


def requires_token(app):
    """Auth in front of everything: a preflight never carries the Authorization header."""
    def guarded(environ, start_response):
        if environ.get("HTTP_AUTHORIZATION") != "Bearer t0k3n":
            return json_response(start_response, "401 Unauthorized", {"detail": "Not authenticated"})
        return app(environ, start_response)
    return guarded


def stamps_star_everywhere(app, allow_headers=None):
    """A hand-made 'CORS': '*' added to every response, and nothing that answers OPTIONS."""
    def stamped(environ, start_response):
        def start(status, headers, exc_info=None):
            extra = [("Access-Control-Allow-Origin", "*")]
            if allow_headers:
                extra.append(("Access-Control-Allow-Headers", allow_headers))
                extra.append(("Access-Control-Allow-Methods", "GET, POST"))
            return start_response(status, headers + extra, exc_info)
        if environ["REQUEST_METHOD"] == "OPTIONS" and allow_headers:
            start("204 No Content", [("Content-Length", "0")])
            return [b""]
        return app(environ, start)
    return stamped


def slash_redirect(app):
    """Like FastAPI's redirect_slashes or Flask's strict_slashes: /api/items -> /api/items/."""
    def redirecting(environ, start_response):
        if environ["PATH_INFO"] == "/api/items":
            start_response("307 Temporary Redirect", [("Location", "/api/items/"),
                                                      ("Content-Length", "0")])
            return [b""]
        environ = {**environ, "PATH_INFO": environ["PATH_INFO"].rstrip("/")}
        return app(environ, start_response)
    return redirecting


ITEMS = f"{API}/api/items"
JSON = {"Content-Type": "application/json"}
NEW = json.dumps({"name": "milk"}).encode()


def blocked(call):
    try:
        call()
    except CorsBlocked as error:
        return str(error)
    raise AssertionError("the browser let the page read the response")


messages = {}
server = serve(API, items_app)

# 1. No CORS at all. A simple GET reaches the API (200 in its log) but the page may not read it.
seen.clear()
messages["simple_get"] = blocked(lambda: browser_fetch(PAGE, ITEMS))
assert messages["simple_get"] == (
    "Access to fetch at 'http://localhost:8000/api/items' from origin 'http://localhost:3000' has "
    "been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
    "requested resource."), messages["simple_get"]
assert seen == ["GET"]  # the server answered; only the browser refused the page the answer
assert send("GET", ITEMS, {})[0] == 200  # curl or Postman: no CORS check, it "works"

# 2. A JSON POST needs a preflight; OPTIONS gets 405 without CORS headers. The POST never leaves.
seen.clear()
messages["json_post"] = blocked(lambda: browser_fetch(PAGE, ITEMS, "POST", JSON, NEW))
assert "Response to preflight request doesn't pass access control check: No 'Access-Control-" \
       "Allow-Origin' header is present" in messages["json_post"], messages["json_post"]
assert seen == []
server.app = stamps_star_everywhere(items_app)  # '*' on every response, OPTIONS still 405
messages["preflight_405"] = blocked(lambda: browser_fetch(PAGE, ITEMS, "POST", JSON, NEW))
assert messages["preflight_405"].endswith(
    "Response to preflight request doesn't pass access control check: It does not have HTTP ok "
    "status."), messages["preflight_405"]

# 3. Auth in front of the router: the preflight has no token, 401.
server.app = stamps_star_everywhere(requires_token(items_app))
auth = {"Authorization": "Bearer t0k3n"}
messages["preflight_401"] = blocked(lambda: browser_fetch(PAGE, ITEMS, "GET", auth))
assert messages["preflight_401"].endswith("It does not have HTTP ok status.")

# 4. Preflight answered, but Allow-Headers lacks content-type; a PUT-like method not listed.
server.app = stamps_star_everywhere(items_app, allow_headers="x-requested-with")
messages["header_not_allowed"] = blocked(lambda: browser_fetch(PAGE, ITEMS, "POST", JSON, NEW))
assert messages["header_not_allowed"].endswith(
    "Request header field content-type is not allowed by Access-Control-Allow-Headers in "
    "preflight response."), messages["header_not_allowed"]
messages["method_not_allowed"] = blocked(lambda: browser_fetch(PAGE, ITEMS, "DELETE"))
assert messages["method_not_allowed"].endswith(
    "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.")

# 5. A trailing-slash redirect answers the preflight.
server.app = slash_redirect(items_app)
messages["redirect"] = blocked(lambda: browser_fetch(PAGE, ITEMS, "POST", JSON, NEW))
assert messages["redirect"].endswith("Redirect is not allowed for a preflight request.")

# THE FIX: CorsMiddleware outermost, the page's exact origin listed.
fixed = {}
policy = {"allow_origins": [PAGE]}
server.app = CorsMiddleware(items_app, **policy)
seen.clear()
fixed["get"] = browser_fetch(PAGE, ITEMS)
fixed["post"] = browser_fetch(PAGE, ITEMS, "POST", JSON, NEW)
fixed["delete"] = browser_fetch(PAGE, ITEMS, "DELETE")
assert fixed["get"] == (200, [{"id": 1, "name": "tea"}]), fixed
assert fixed["post"] == (201, {"id": 2, "name": "milk"}) and fixed["delete"][0] == 200, fixed
assert seen == ["GET", "POST", "DELETE"]
status, headers, _ = send("OPTIONS", ITEMS, {"Origin": PAGE, "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
assert status == 204 and headers["access-control-allow-origin"] == PAGE, headers
assert "Origin" in headers["vary"]

# ...before auth: the preflight is answered without a token, the real call still needs one.
server.app = CorsMiddleware(requires_token(items_app), **policy)
assert browser_fetch(PAGE, ITEMS, "GET", auth)[0] == 200
status, _, body = send("GET", ITEMS, {"Origin": PAGE})
assert status == 401, body  # no token, no data: CORS is not authentication

# ...before the slash redirect: preflight answered, the redirect carries the headers and is followed.
server.app = CorsMiddleware(slash_redirect(items_app), **policy)
assert browser_fetch(PAGE, ITEMS, "POST", JSON, NEW) == (201, {"id": 2, "name": "milk"})

# An origin not in the list is still blocked, and its preflight is refused with a reason.
server.app = CorsMiddleware(items_app, **policy)
other = blocked(lambda: browser_fetch("http://evil.example", ITEMS))
assert "No 'Access-Control-Allow-Origin' header" in other
status, _, body = send("OPTIONS", ITEMS, {"Origin": "http://evil.example",
                                         "Access-Control-Request-Method": "POST"})
assert status == 400 and body == b"Disallowed CORS origin", (status, body)
# An origin written with a trailing slash or path would never match: the snippet strips the slash.
assert CorsMiddleware(items_app, ["http://localhost:3000/"]).origin_allowed(PAGE)
try:
    CorsMiddleware(items_app, ["*"], allow_credentials=True)
    raise AssertionError("'*' with credentials must be refused")
except ValueError:
    pass
server.shutdown()

record(wrong=messages, fixed_statuses=[fixed["get"][0], fixed["post"][0], fixed["delete"][0]])
