"""Log in, then ask who I am: an API on a loopback server (a Unix socket: the sandbox has no TCP)
keeps a session in a cookie, and a stand-in of the browser applies the credentialed CORS rules and
the cookie rules (SameSite, Secure, credentials mode) as Chrome does. Each wrong setup leaves the
second call anonymous (401, a new session per call) or blocked with the browser's message; the
fix keeps one session, same-site and cross-site, and so does a single-origin proxy with Lax."""

import http.client
import io
import itertools
import json
import os
import socket
import socketserver
import tempfile
import threading
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler

from errata_check import load_snippet, record

ns = load_snippet()
CredentialedCors, session_cookie = ns["CredentialedCors"], ns["session_cookie"]


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



# --- a stand-in of the browser: credentialed CORS (Fetch standard) and cookies (RFC 6265bis) ---
class Blocked(Exception):
    """The page sees TypeError: Failed to fetch; the console or DevTools shows the reason."""


def origin_of(url):
    return "{0.scheme}://{0.netloc}".format(urlsplit(url))


def site_of(origin):
    """Scheme and registrable domain: ports do not count, localhost and 127.0.0.1 differ."""
    parts = urlsplit(origin)
    host = parts.hostname
    if host.replace(".", "").isdigit() or "." not in host:
        return (parts.scheme, host)
    return (parts.scheme, ".".join(host.split(".")[-2:]))  # enough for these example domains


class Browser:
    def __init__(self, page):
        self.page = page
        self.jar = {}  # (host, name) -> {"value", "samesite", "secure"}
        self.devtools = []  # why a Set-Cookie was dropped

    def cookie_header(self, url, cross_site):
        parts = urlsplit(url)
        sent = []
        for (host, name), c in self.jar.items():
            if host != parts.hostname or (c["secure"] and parts.scheme != "https"):
                continue
            if cross_site and c["samesite"] != "None":
                continue  # Lax and Strict cookies stay home on cross-site fetches
            sent.append(f"{name}={c['value']}")
        return "; ".join(sent)

    def store(self, url, set_cookie, cross_site):
        parts = urlsplit(url)
        pairs = [p.strip() for p in set_cookie.split(";")]
        name, value = pairs[0].split("=", 1)
        attrs = {p.split("=")[0].lower(): (p.split("=", 1) + [""])[1] for p in pairs[1:]}
        samesite = attrs.get("samesite", "Lax").capitalize()  # no attribute: Lax by default
        secure = "secure" in attrs
        why = "This attempt to set a cookie via a Set-Cookie header was blocked because it had the "
        if samesite == "None" and not secure:
            self.devtools.append(why + '"SameSite=None" attribute but did not have the "Secure" '
                                 'attribute, which is required in order to use "SameSite=None".')
        elif secure and parts.scheme != "https":
            self.devtools.append(why + '"Secure" attribute but was not received over a secure '
                                 "connection.")
        elif cross_site and samesite != "None":
            self.devtools.append(why + f'"SameSite={samesite}" attribute but came from a '
                                 "cross-site response which was not the response to a top-level "
                                 "navigation.")
        else:
            self.jar[(parts.hostname, name)] = {"value": value, "samesite": samesite,
                                                "secure": secure}

    def check(self, got, credentialed):
        allow = got.get("access-control-allow-origin")
        if allow is None:
            return "No 'Access-Control-Allow-Origin' header is present on the requested resource."
        if allow == "*" and credentialed:
            return ("The value of the 'Access-Control-Allow-Origin' header in the response must "
                    "not be the wildcard '*' when the request's credentials mode is 'include'.")
        if allow not in ("*", self.page):
            return (f"The 'Access-Control-Allow-Origin' header has a value '{allow}' that is not "
                    "equal to the supplied origin.")
        if credentialed and got.get("access-control-allow-credentials") != "true":
            value = got.get("access-control-allow-credentials", "")
            return (f"The value of the 'Access-Control-Allow-Credentials' header in the response "
                    f"is '{value}' which must be 'true' when the request's credentials mode is "
                    "'include'.")
        return None

    def fetch(self, url, method="GET", body=None, credentials="same-origin"):
        """fetch(url, {method, credentials, body: JSON}); returns (status, json)."""
        same_origin = origin_of(url) == self.page
        cross_site = site_of(origin_of(url)) != site_of(self.page)
        credentialed = credentials == "include" or (credentials == "same-origin" and same_origin)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        blocked = f"Access to fetch at '{url}' from origin '{self.page}' has been blocked by CORS policy: "
        if not same_origin and headers:  # a JSON body: preflight, never with cookies
            pre = {"Origin": self.page, "Access-Control-Request-Method": method,
                   "Access-Control-Request-Headers": "content-type"}
            status, got, _ = send("OPTIONS", url, pre)
            problem = self.check(got, credentials == "include")
            if problem or not 200 <= status < 300:
                raise Blocked(blocked + "Response to preflight request doesn't pass access "
                              "control check: " + (problem or "It does not have HTTP ok status."))
        if not same_origin:
            headers["Origin"] = self.page
        if credentialed:
            cookies = self.cookie_header(url, cross_site)
            if cookies:
                headers["Cookie"] = cookies
        data = json.dumps(body).encode() if body is not None else None
        status, got, raw = send(method, url, headers, data)
        if credentialed and "set-cookie" in got:  # without credentials Set-Cookie is ignored
            self.store(url, got["set-cookie"], cross_site)
        if not same_origin:
            problem = self.check(got, credentials == "include")
            if problem:
                raise Blocked(blocked + problem)
        return status, json.loads(raw)


# --- the API: a login that starts a session kept in a cookie --------------------------------
sessions = {}
new_ids = itertools.count(1)
cookie_for = {"make": lambda sid: f"session={sid}; Path=/; HttpOnly"}  # set per scenario


def reply(start_response, status, payload, extra=()):
    raw = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(raw))), *extra])
    return [raw]


def app(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    cookies = dict(p.strip().split("=", 1) for p in environ.get("HTTP_COOKIE", "").split(";") if "=" in p)
    if path == "/api/login" and method == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        user = json.loads(environ["wsgi.input"].read(size))["user"]
        sid = f"s{next(new_ids)}"
        sessions[sid] = user
        return reply(start_response, "200 OK", {"user": user},
                     [("Set-Cookie", cookie_for["make"](sid))])
    if path == "/api/me" and method == "GET":
        user = sessions.get(cookies.get("session", ""))
        if user is None:
            return reply(start_response, "401 Unauthorized", {"detail": "Not authenticated"})
        return reply(start_response, "200 OK", {"user": user})
    return reply(start_response, "404 Not Found", {"detail": "Not Found"})


def star_cors(inner, credentials=False):
    """CORS by hand: '*' (optionally with Allow-Credentials), and a 204 for every OPTIONS."""
    def wrapped(environ, start_response):
        extra = [("Access-Control-Allow-Origin", "*"),
                 ("Access-Control-Allow-Headers", "content-type")]
        if credentials:
            extra.append(("Access-Control-Allow-Credentials", "true"))
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response("204 No Content", extra + [("Content-Length", "0")])
            return [b""]
        return inner(environ, lambda s, h, e=None: start_response(s, h + extra, e))
    return wrapped


def origin_without_credentials(inner):
    """The page's origin echoed, but no Access-Control-Allow-Credentials."""
    def wrapped(environ, start_response):
        extra = [("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")),
                 ("Access-Control-Allow-Headers", "content-type"), ("Vary", "Origin")]
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response("204 No Content", extra + [("Content-Length", "0")])
            return [b""]
        return inner(environ, lambda s, h, e=None: start_response(s, h + extra, e))
    return wrapped


def blocked(call):
    try:
        call()
    except Blocked as error:
        return str(error)
    raise AssertionError("the browser let the page read the response")


def login_then_me(browser, api, credentials):
    """What the page does: log in, then ask who it is."""
    login = browser.fetch(f"{api}/api/login", "POST", {"user": "ana"}, credentials)
    return login, browser.fetch(f"{api}/api/me", credentials=credentials)


PAGE, API = "http://localhost:3000", "http://localhost:8000"
server = serve(API, app)
wrong = {}

# 1. Same site (two ports of localhost). No credentials asked for: the login "works", the cookie
#    is dropped, and the API sees an anonymous user, starting a new session at every login.
server.app = star_cors(app)
sessions.clear()
b = Browser(PAGE)
login, me = login_then_me(b, API, "same-origin")
assert login == (200, {"user": "ana"}) and me == (401, {"detail": "Not authenticated"}), me
assert b.jar == {} and len(sessions) == 1
wrong["no_credentials"] = me

# 2. credentials: 'include' against '*' (with Allow-Credentials: true, as cors({origin: '*',
#    credentials: true}) sends it): the preflight of the login is refused.
server.app = star_cors(app, credentials=True)
wrong["wildcard"] = blocked(lambda: login_then_me(Browser(PAGE), API, "include"))
assert wrong["wildcard"] == (
    "Access to fetch at 'http://localhost:8000/api/login' from origin 'http://localhost:3000' has "
    "been blocked by CORS policy: Response to preflight request doesn't pass access control "
    "check: The value of the 'Access-Control-Allow-Origin' header in the response must not be "
    "the wildcard '*' when the request's credentials mode is 'include'."), wrong["wildcard"]

# 3. The origin echoed but no Access-Control-Allow-Credentials.
server.app = origin_without_credentials(app)
wrong["no_allow_credentials"] = blocked(lambda: login_then_me(Browser(PAGE), API, "include"))
assert wrong["no_allow_credentials"].endswith(
    "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must "
    "be 'true' when the request's credentials mode is 'include'."), wrong["no_allow_credentials"]

# FIX, same site: credentials on the client, the exact origin plus Allow-Credentials on the API.
server.app = CredentialedCors(app, allow_origins=[PAGE])
cookie_for["make"] = lambda sid: session_cookie("session", sid, cross_site=False)
sessions.clear()
b = Browser(PAGE)
login, me = login_then_me(b, API, "include")
again = b.fetch(f"{API}/api/me", credentials="include")
assert login == (200, {"user": "ana"}) and me == again == (200, {"user": "ana"}), (me, again)
assert len(sessions) == 1 and b.devtools == []
fixed = {"same_site": me}
# An origin the API does not list gets no CORS headers, so no page elsewhere reads the session.
assert "No 'Access-Control-Allow-Origin'" in blocked(
    lambda: Browser("http://evil.example").fetch(f"{API}/api/me", credentials="include"))

# 4. Cross site: the page on https://app.example.com, the API on https://api.example-backend.com
#    (or localhost vs 127.0.0.1, or http vs https). CORS is right now; the cookie is not.
SITE_PAGE, SITE_API = "https://app.example.com", "https://api.example-backend.com"
SOCKETS[SITE_API] = SOCKETS[API]
server.app = CredentialedCors(app, allow_origins=[SITE_PAGE])
cookie_for["make"] = lambda sid: f"session={sid}; Path=/; HttpOnly"  # no SameSite: Lax
b = Browser(SITE_PAGE)
login, me = login_then_me(b, SITE_API, "include")
assert login[0] == 200 and me == (401, {"detail": "Not authenticated"}), me
wrong["samesite_lax"] = b.devtools[-1]
assert 'blocked because it had the "SameSite=Lax" attribute but came from a cross-site response' \
       in wrong["samesite_lax"], b.devtools
cookie_for["make"] = lambda sid: f"session={sid}; Path=/; HttpOnly; SameSite=None"  # no Secure
b = Browser(SITE_PAGE)
assert login_then_me(b, SITE_API, "include")[1][0] == 401
wrong["samesite_none_without_secure"] = b.devtools[-1]
assert '"SameSite=None" attribute but did not have the "Secure" attribute' in b.devtools[-1]
# A Lax cookie set earlier (say by a same-site page) is still not sent on a cross-site fetch.
b.jar[("api.example-backend.com", "session")] = {"value": "s1", "samesite": "Lax", "secure": True}
assert b.fetch(f"{SITE_API}/api/me", credentials="include")[0] == 401

# FIX, cross site: SameSite=None; Secure over HTTPS.
cookie_for["make"] = lambda sid: session_cookie("session", sid, cross_site=True)
sessions.clear()
b = Browser(SITE_PAGE)
login, me = login_then_me(b, SITE_API, "include")
assert me == (200, {"user": "ana"}) and b.devtools == [] and len(sessions) == 1, (me, b.devtools)
assert b.fetch(f"{SITE_API}/api/me", credentials="include") == (200, {"user": "ana"})
fixed["cross_site"] = me
assert "SameSite=None; Secure" in session_cookie("s", "1", cross_site=True)

# FIX without CORS: one origin, a proxy forwarding /api to the API: default credentials, Lax.
SOCKETS[SITE_PAGE] = SOCKETS[API]
server.app = app  # no CORS layer at all
cookie_for["make"] = lambda sid: session_cookie("session", sid, cross_site=False, secure=True)
b = Browser(SITE_PAGE)
login, me = login_then_me(b, SITE_PAGE, "same-origin")
assert me == (200, {"user": "ana"}) and b.devtools == [], (me, b.devtools)
fixed["one_origin_proxy"] = me

try:
    CredentialedCors(app, allow_origins=["*"])
    raise AssertionError("'*' with credentials must be refused")
except ValueError:
    pass
server.shutdown()
record(wrong={k: list(v) if isinstance(v, tuple) else v for k, v in wrong.items()},
       fixed={k: list(v) for k, v in fixed.items()})
