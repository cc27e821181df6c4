"""A network that blocks the API host, a proxy that reaches it, and a stand-in API behind it, all
on Unix sockets (the sandbox has no TCP): a stand-in `connect` plays the network. A stand-in
openai SDK behaves as openai-python does: its own httpx client, proxy only from its `proxy=` or
HTTPS_PROXY, 2 retries, then APIConnectionError("Connection error.").

Wrong: the proxy set for `requests` is never used by the SDK, every attempt waits out the connect
timeout, and after 3 attempts the call fails. Fixed: the SDK's client given the proxy goes through
it (the proxy logs CONNECT api.openai.com:443), a relay base_url works without one, and the start-up
check fails in one attempt with a message naming the host (or the proxy) and what to set."""

import contextlib
import errno
import http.client
import http.server
import json
import os
import socket
import socketserver
import sys
import tempfile
import threading
import time
import types
import urllib.parse

from errata_check import load_snippet, record

TMP = tempfile.mkdtemp()
API_SOCK = os.path.join(TMP, "api.sock")
PROXY_SOCK = os.path.join(TMP, "proxy.sock")
PROXY_URL = "http://proxy.corp.example:3128"
BLACKHOLE = 0.15  # a blocked host never answers: the connect waits out its timeout (capped here)

connects: list[str] = []  # every connect the program makes, as host:port
proxy_log: list[str] = []  # the proxy's own log
api_log: list[str] = []  # requests that reached the API


class UnixSocket(socket.socket):
    def setsockopt(self, level, option, value) -> None:  # http.client sets TCP_NODELAY
        if level != socket.IPPROTO_TCP:
            super().setsockopt(level, option, value)


def unix(path: str, timeout: float) -> socket.socket:
    sock = UnixSocket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(path)
    return sock


def network_connect(address, timeout=None, *args) -> socket.socket:
    """The user's network: the API hosts are blocked, the proxy and an internal relay are not."""
    host, port = address
    connects.append(f"{host}:{port}")
    if (host, port) == ("proxy.corp.example", 3128):
        return unix(PROXY_SOCK, timeout or 5)
    if (host, port) == ("relay.internal.example", 443):
        return unix(API_SOCK, timeout or 5)
    if host == "api.openai.com":  # dropped by a firewall: no answer at all
        time.sleep(min(timeout or BLACKHOLE, BLACKHOLE))
        raise TimeoutError("timed out")
    if host == "generativelanguage.googleapis.com":  # no route
        raise OSError(errno.ENETUNREACH, "Network is unreachable")
    raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")


# -- the stand-in API (behind the proxy, and as the relay) --------------------------------------
class Api(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def address_string(self) -> str:
        return "unix-client"

    def log_message(self, *args) -> None:
        pass

    def _answer(self, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        api_log.append(f"GET {self.headers['Host']}{self.path}")
        self._answer({"data": [{"id": "gpt-4o-mini"}]})

    def do_POST(self) -> None:
        json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        api_log.append(f"POST {self.headers['Host']}{self.path}")
        self._answer({"choices": [{"message": {"role": "assistant", "content": "pong"}}]})


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


# -- the proxy: CONNECT to the API host opens a tunnel to the stand-in API ----------------------
def pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


class Proxy(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(1)
            if not chunk:
                return
            head += chunk
        lines = head.decode("latin-1").split("\r\n")
        auth = [line for line in lines if line.lower().startswith("proxy-authorization:")]
        proxy_log.append(lines[0] + (" (" + auth[0].split(" ", 2)[2] + ")" if auth else ""))
        method, target, _ = lines[0].split(" ")
        if method != "CONNECT" or not target.endswith(":443") or "openai" not in target:
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = unix(API_SOCK, 5)
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        back = threading.Thread(target=pipe, args=(upstream, self.request), daemon=True)
        back.start()
        pipe(self.request, upstream)
        back.join(5)


for path, handler in ((API_SOCK, Api), (PROXY_SOCK, Proxy)):
    threading.Thread(target=Server(path, handler).serve_forever, daemon=True).start()


# -- the stand-in openai SDK --------------------------------------------------------------------
class APIConnectionError(Exception):
    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    def __init__(self) -> None:
        super().__init__("Request timed out.")


class DefaultHttpxClient:
    """As httpx.Client: proxy= if given, else (trust_env) HTTPS_PROXY/ALL_PROXY from os.environ;
    a proxies dict made for requests is not something it reads."""

    def __init__(self, proxy=None, timeout=BLACKHOLE, trust_env=True) -> None:
        env = os.environ
        self.proxy = proxy or (
            (env.get("https_proxy") or env.get("HTTPS_PROXY") or env.get("ALL_PROXY"))
            if trust_env
            else None
        )
        self.timeout = timeout

    def _open(self, host: str, port: int) -> socket.socket:
        if not self.proxy:
            return network_connect((host, port), self.timeout)
        p = urllib.parse.urlsplit(self.proxy)
        sock = network_connect((p.hostname, p.port), self.timeout)
        sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)
        if b" 200 " not in head.split(b"\r\n")[0] + b" ":
            raise OSError("proxy refused CONNECT")
        return sock

    def post(self, url: str, body: dict) -> dict:
        u = urllib.parse.urlsplit(url)
        sock = self._open(u.hostname, u.port or 443)  # (TLS would start here; plain in the check)
        data = json.dumps(body).encode()
        sock.sendall(
            f"POST {u.path} HTTP/1.1\r\nHost: {u.hostname}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )
        response = http.client.HTTPResponse(sock)
        response.begin()
        payload = json.loads(response.read())
        sock.close()
        return payload


class OpenAI:
    def __init__(self, *, base_url="https://api.openai.com/v1", http_client=None, max_retries=2):
        self.base_url = base_url.rstrip("/")
        self.http = http_client or DefaultHttpxClient()
        self.max_retries = max_retries
        self.attempts = 0
        self.chat = types.SimpleNamespace(completions=types.SimpleNamespace(create=self._create))

    def _create(self, *, model: str, messages: list) -> dict:
        for attempt in range(self.max_retries + 1):
            self.attempts += 1
            try:
                return self.http.post(
                    self.base_url + "/chat/completions", {"model": model, "messages": messages}
                )
            except OSError as exc:  # httpx.ConnectTimeout / httpx.ConnectError
                if attempt == self.max_retries:
                    if isinstance(exc, TimeoutError):
                        raise APITimeoutError() from exc
                    raise APIConnectionError() from exc
                time.sleep(0.01)  # the SDK backs off 0.5-8 s here


openai_module = types.ModuleType("openai")
openai_module.OpenAI = OpenAI
openai_module.DefaultHttpxClient = DefaultHttpxClient
openai_module.APIConnectionError = APIConnectionError
openai_module.APITimeoutError = APITimeoutError
sys.modules["openai"] = openai_module
for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
    os.environ.pop(name, None)

MESSAGES = [{"role": "user", "content": "ping"}]

# WRONG: the proxy is configured, but for requests; the SDK's client goes direct, 3 times.
requests_proxies = {"https": PROXY_URL, "http": PROXY_URL}  # what requests.post(proxies=) uses
client = OpenAI()
started = time.monotonic()
try:
    client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    wrong = "answered"
except APIConnectionError as exc:
    wrong = f"{type(exc).__name__}: {exc} (caused by {type(exc.__cause__).__name__})"
wrong_seconds = time.monotonic() - started
assert wrong == "APITimeoutError: Request timed out. (caused by TimeoutError)", wrong
assert connects == ["api.openai.com:443"] * 3 and client.attempts == 3, connects
assert proxy_log == [] and api_log == [], (proxy_log, api_log)
assert wrong_seconds >= 3 * BLACKHOLE * 0.9, wrong_seconds

# WRONG 2: no route to the host at all (Gemini's OpenAI-compatible endpoint here): the same
# three attempts, then "Connection error." caused by [Errno 101] Network is unreachable.
gemini_client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/")
try:
    gemini_client.chat.completions.create(model="gemini-2.0-flash", messages=MESSAGES)
    wrong_gemini = "answered"
except APIConnectionError as exc:
    wrong_gemini = f"{type(exc).__name__}: {exc} (caused by {exc.__cause__})"
assert wrong_gemini == (
    "APIConnectionError: Connection error. (caused by [Errno 101] Network is unreachable)"
), wrong_gemini
assert gemini_client.attempts == 3 and proxy_log == []

ns = load_snippet()
proxy_for, check_api_reachable = ns["proxy_for"], ns["check_api_reachable"]
ApiHostUnreachable = ns["ApiHostUnreachable"]

# FIXED 1: the SDK's own client gets the proxy: one attempt, through the proxy, answered.
connects.clear()
fixed = ns["make_openai_client"](environ={"HTTPS_PROXY": PROXY_URL})
answer = fixed.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
assert answer["choices"][0]["message"]["content"] == "pong", answer
assert connects == ["proxy.corp.example:3128"], connects  # never api.openai.com directly
fixed_route = list(connects)
assert proxy_log == ["CONNECT api.openai.com:443 HTTP/1.1"], proxy_log
assert api_log == ["POST api.openai.com/v1/chat/completions"], api_log
assert fixed.attempts == 1

# FIXED 2: a base_url this network reaches (an approved relay) needs no proxy.
connects.clear()
relay = ns["make_openai_client"]("https://relay.internal.example/v1", environ={})
relay_answer = relay.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
assert relay_answer["choices"][0]["message"]["content"] == "pong"
assert connects == ["relay.internal.example:443"], connects

# FIXED 3: the start-up check fails in one attempt, naming the host and what to set.
connects.clear()
started = time.monotonic()
try:
    check_api_reachable("https://api.openai.com/v1", environ={}, connect=network_connect)
    fast = "reached"
except ApiHostUnreachable as exc:
    fast = str(exc)
fast_seconds = time.monotonic() - started
assert fast.startswith("cannot reach api.openai.com:443 directly: timed out"), fast
assert "HTTPS_PROXY" in fast and "base_url" in fast, fast
assert connects == ["api.openai.com:443"] and fast_seconds < wrong_seconds / 2, fast_seconds

try:
    check_api_reachable(
        "https://generativelanguage.googleapis.com/v1beta", environ={}, connect=network_connect
    )
    gemini = "reached"
except ApiHostUnreachable as exc:
    gemini = str(exc)
assert gemini.startswith(
    "cannot reach generativelanguage.googleapis.com:443 directly: "
    "[Errno 101] Network is unreachable"
), gemini

# Through the proxy (with credentials, hidden in messages): reached, and the tunnel carries HTTP.
proxy_log.clear()
api_log.clear()
secret_proxy = "http://alice:s3cret@proxy.corp.example:3128"
via = check_api_reachable(
    "https://api.openai.com/v1", environ={"https_proxy": secret_proxy}, connect=network_connect
)
assert via == "api.openai.com:443 reachable through http://alice:***@proxy.corp.example:3128", via
assert proxy_log == ["CONNECT api.openai.com:443 HTTP/1.1 (YWxpY2U6czNjcmV0)"], proxy_log
tunnel = ns["open_tunnel"]("api.openai.com", 443, PROXY_URL, connect=network_connect)
conn = http.client.HTTPConnection("api.openai.com")
conn.sock = tunnel
conn.request("GET", "/v1/models")
models = json.loads(conn.getresponse().read())
assert models["data"][0]["id"] == "gpt-4o-mini" and api_log == ["GET api.openai.com/v1/models"]

# A proxy that is down, and one that refuses the host, are named as such.
try:
    check_api_reachable(
        "https://api.openai.com/v1",
        environ={"HTTPS_PROXY": "http://bob:pw@proxy-down.corp.example:3128"},
        connect=network_connect,
    )
    down = "reached"
except ApiHostUnreachable as exc:
    down = str(exc)
assert down.startswith(
    "cannot reach the proxy http://bob:***@proxy-down.corp.example:3128 for api.openai.com:443"
), down
assert "pw" not in down
try:
    check_api_reachable(
        "https://api.anthropic.com", environ={"HTTPS_PROXY": PROXY_URL}, connect=network_connect
    )
    refused = "reached"
except ApiHostUnreachable as exc:
    refused = str(exc)
assert refused == (
    "the proxy http://proxy.corp.example:3128 did not open api.anthropic.com:443: "
    "HTTP/1.1 403 Forbidden"
), refused

# Which proxy applies: as httpx's trust_env and curl choose it.
assert (
    proxy_for(
        "https://api.openai.com/v1", {"HTTPS_PROXY": "http://a:1", "https_proxy": "http://b:2"}
    )
    == "http://b:2"
)
assert (
    proxy_for("https://api.openai.com/v1", {"HTTPS_PROXY": "", "ALL_PROXY": "http://c:3"})
    == "http://c:3"
)
assert (
    proxy_for(
        "http://localhost:11434/v1", {"HTTP_PROXY": "http://d:4", "NO_PROXY": "localhost,127.0.0.1"}
    )
    is None
)
assert (
    proxy_for("https://api.openai.com/v1", {"HTTPS_PROXY": "http://e:5", "NO_PROXY": ".openai.com"})
    is None
)
assert proxy_for("https://api.openai.com/v1", {"HTTP_PROXY": "http://f:6"}) is None
assert proxy_for("https://api.openai.com/v1", {}) is None

record(
    wrong=wrong,
    wrong_attempts=client.attempts,
    wrong_gemini=wrong_gemini,
    wrong_seconds=round(wrong_seconds, 2),
    fixed_route=fixed_route,
    proxy_saw=proxy_log[0],
    fail_fast=fast.split(". ")[0],
    fail_fast_seconds=round(fast_seconds, 2),
    gemini=gemini.split(". ")[0],
    proxy_down=down.split("; ")[0],
)
