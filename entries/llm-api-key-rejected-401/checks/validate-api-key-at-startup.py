"""A stand-in provider on a Unix socket (the sandbox has no TCP) that, like OpenAI, Anthropic and
Gemini, accepts only its own valid key and answers anything else with its real rejection body.

Wrong: a key passed on with its quotes, an old exported key that wins over .env, and an
OpenRouter key sent to api.openai.com are each refused with 401 Incorrect API key provided, and a
retry loop sends the refused key again and again. Fixed: the key is cleaned and accepted with one
request; a stale or revoked key, a key for another provider, an invalid Anthropic or Gemini key
each stop at start-up with one request or none, and the message names the variable, where it came
from and the masked tail."""

import http.client
import http.server
import json
import os
import socket
import socketserver
import tempfile
import threading
import urllib.request
from pathlib import Path

from errata_check import load_snippet, record

TMP = tempfile.mkdtemp()
SOCK = os.path.join(TMP, "provider.sock")
OPENAI_KEY = "sk-proj-" + "Q7wErTy9" * 5 + "abcd"
OLD_OPENAI_KEY = "sk-proj-" + "Zx81Mn0P" * 5 + "oldk"  # rotated last month, still in ~/.bashrc
NO_QUOTA_KEY = "sk-proj-" + "Nq0Ta5ks" * 5 + "zero"  # valid key, no credit left
OPENROUTER_KEY = "sk-or-v1-" + "9f3c" * 16
ANTHROPIC_KEY = "sk-ant-api03-" + "Lm4Kp2Qr" * 11 + "AA"
GEMINI_KEY = "AIzaSy" + "B1c2D3e4F5g6H7i8J9k0L1m2N3o4P5q"
requests: list[tuple[str, str, int]] = []  # the provider's log: host, path, status


def openai_mask(key: str) -> str:
    return key[:8] + "*" * (len(key) - 12) + key[-4:]


class Provider(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def address_string(self) -> str:
        return "unix-client"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        requests.append((self.headers["Host"], self.path, status))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        if length := int(self.headers.get("Content-Length") or 0):
            self.rfile.read(length)
        host = self.headers["Host"]
        if host == "api.anthropic.com":
            if self.headers.get("x-api-key") == ANTHROPIC_KEY:
                return self._send(200, {"data": [{"id": "claude-sonnet-4-5"}]})
            return self._send(
                401,
                {
                    "type": "error",
                    "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                },
            )
        if host == "generativelanguage.googleapis.com":
            if self.headers.get("x-goog-api-key") == GEMINI_KEY:
                return self._send(200, {"models": [{"name": "models/gemini-2.0-flash"}]})
            message = "API key not valid. Please pass a valid API key."
            return self._send(
                400,
                {
                    "error": {
                        "code": 400,
                        "message": message,
                        "status": "INVALID_ARGUMENT",
                        "details": [{"reason": "API_KEY_INVALID"}],
                    }
                },
            )
        key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if key == OPENAI_KEY:
            return self._send(200, {"data": [{"id": "gpt-4o-mini"}], "choices": []})
        if key == NO_QUOTA_KEY:
            return self._send(
                429,
                {
                    "error": {
                        "message": "You exceeded your current quota",
                        "code": "insufficient_quota",
                    }
                },
            )
        return self._send(
            401,
            {
                "error": {
                    "message": f"Incorrect API key provided: {openai_mask(key)}. You can find "
                    "your API key at https://platform.openai.com/account/api-keys.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "invalid_api_key",
                }
            },
        )

    do_GET = do_POST = _handle


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


threading.Thread(target=Server(SOCK, Provider).serve_forever, daemon=True).start()


class UnixConnection(http.client.HTTPConnection):
    """Every host is the stand-in provider (plain HTTP on the Unix socket instead of TLS)."""

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout if isinstance(self.timeout, (int, float)) else 10)
        self.sock.connect(SOCK)


class UnixHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(UnixConnection, req)


urllib.request.install_opener(urllib.request.build_opener(UnixHandler()))


def chat(key: str, base_url: str = "https://api.openai.com/v1") -> dict:
    """The application's call (as the SDK makes it): raises on an error status."""
    req = urllib.request.Request(
        base_url + "/chat/completions",
        data=b'{"model": "gpt-4o-mini", "messages": []}',
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


def with_retries(call, attempts: int = 5):
    """The wrong habit: retry every exception (tenacity's @retry with no retry= filter)."""
    for _ in range(attempts):
        try:
            return call()
        except Exception as exc:  # the point of the wrong code
            last = exc
    raise RuntimeError(f"RetryError after {attempts} attempts: {last}")


def error_of(call) -> str:
    try:
        call()
    except urllib.error.HTTPError as exc:
        return f"{exc.code} {json.loads(exc.read())['error']['message']}"
    except Exception as exc:
        return str(exc)
    return ""


project = Path(TMP) / "project"
project.mkdir()
dotenv = project / ".env"
# The .env written on Windows, the key quoted: both are kept by loaders that take values as is
# (docker --env-file, %set_env, a hand-written split("=")).
dotenv.write_bytes(f'MODEL=gpt-4o-mini\r\nOPENAI_API_KEY="{OPENAI_KEY}"\r\n'.encode())

# WRONG 1: the value as is, quotes included, and every failure retried.
raw = dotenv.read_bytes().decode().splitlines()[1].split("=", 1)[1]
assert raw == f'"{OPENAI_KEY}"'
wrong_quotes = error_of(lambda: with_retries(lambda: chat(raw)))
assert wrong_quotes.startswith("RetryError after 5 attempts: HTTP Error 401"), wrong_quotes
assert [s for _, _, s in requests] == [401] * 5, requests
retried_401s = len(requests)
assert error_of(lambda: chat(raw)).startswith('401 Incorrect API key provided: "sk-proj')

# WRONG 1b: a key read from a secret file written with echo keeps its newline: the client
# refuses the header before sending (httpx: Illegal header value), retried as well.
from_secret = OPENAI_KEY + "\n"
wrong_newline = error_of(lambda: with_retries(lambda: chat(from_secret)))
assert wrong_newline.startswith("RetryError after 5 attempts: Invalid header value"), wrong_newline
assert len(requests) == 6  # none of these reached the provider

# WRONG 2: an old key exported in the shell wins over .env (python-dotenv's override=False).
environ = {"OPENAI_API_KEY": OLD_OPENAI_KEY}
for name, value in (("OPENAI_API_KEY", OPENAI_KEY),):
    environ.setdefault(name, value)  # what load_dotenv() does
wrong_stale = error_of(lambda: chat(environ["OPENAI_API_KEY"]))
assert (
    wrong_stale.startswith("401 Incorrect API key provided: sk-proj-*") and "oldk." in wrong_stale
)

# WRONG 3: an OpenRouter key with the SDK's default base_url.
wrong_router = error_of(lambda: chat(OPENROUTER_KEY))
assert wrong_router.startswith("401 Incorrect API key provided: sk-or-v1*"), wrong_router

ns = load_snippet()
load_api_key, verify_api_key, normalise_key = (
    ns["load_api_key"],
    ns["verify_api_key"],
    ns["normalise_key"],
)
ApiKeyError, ApiKey = ns["ApiKeyError"], ns["ApiKey"]


def startup_error(call) -> tuple[str, int]:
    """The message and the number of requests the start-up check made."""
    before = len(requests)
    try:
        call()
        return "accepted", len(requests) - before
    except ApiKeyError as exc:
        return str(exc), len(requests) - before


# FIXED 1: the same .env, cleaned: accepted with one request.
before = len(requests)
key = load_api_key("OPENAI_API_KEY", dotenv_path=dotenv, environ={})
assert key.value == OPENAI_KEY and key.origin == str(dotenv.resolve()), key
assert key.cleaned == ("quotes",), key.cleaned
assert normalise_key(from_secret) == (OPENAI_KEY, ("whitespace/line ends",))
accepted = verify_api_key(key, "https://api.openai.com/v1")
assert accepted == "sk-proj-****abcd accepted by api.openai.com", accepted
assert requests[before:] == [("api.openai.com", "/v1/models", 200)], requests[before:]
assert chat(key.value)["choices"] == []

# FIXED 2: the stale export is found, named next to the .env key, and reported once.
stale = load_api_key("OPENAI_API_KEY", dotenv_path=dotenv, environ=environ)
assert stale.origin == "the environment" and stale.shadowed == "sk-proj-****abcd", stale
stale_msg, stale_requests = startup_error(
    lambda: verify_api_key(stale, "https://api.openai.com/v1")
)
assert stale_msg.startswith(
    "api.openai.com rejected OPENAI_API_KEY from the environment (sk-proj-****oldk); the .env "
    "file holds a different key (sk-proj-****abcd)"
), stale_msg
assert "(HTTP 401: Incorrect API key provided: sk-proj-*" in stale_msg and stale_requests == 1

# FIXED 3: a key of another provider is stopped before any request.
router = load_api_key("OPENAI_API_KEY", environ={"OPENAI_API_KEY": OPENROUTER_KEY}, dotenv_path=TMP)
router_msg, router_requests = startup_error(
    lambda: verify_api_key(router, "https://api.openai.com/v1")
)
assert router_msg == (
    "OPENAI_API_KEY from the environment (sk-or-v1****9f3c) does not fit api.openai.com: it "
    "looks like a key for OpenRouter: use base_url https://openrouter.ai/... or a key from this "
    "provider"
), router_msg
assert router_requests == 0
anth_as_openai = ApiKey(ANTHROPIC_KEY, "OPENAI_API_KEY", "the environment")
assert (
    "key for Anthropic"
    in startup_error(lambda: verify_api_key(anth_as_openai, "https://api.openai.com/v1"))[0]
)
proj_to_deepseek = ApiKey(OPENAI_KEY, "DEEPSEEK_API_KEY", "the environment")
assert (
    "key for OpenAI"
    in startup_error(lambda: verify_api_key(proj_to_deepseek, "https://api.deepseek.com/v1"))[0]
)

# FIXED 4: Anthropic and Gemini: rejected keys named with the provider's own words, valid accepted.
revoked = ApiKey("sk-ant-api03-" + "revoked0" * 11 + "AA", "ANTHROPIC_API_KEY", "the environment")
anthropic_msg, anthropic_requests = startup_error(
    lambda: verify_api_key(revoked, "https://api.anthropic.com/v1")
)
assert anthropic_msg.startswith(
    "api.anthropic.com rejected ANTHROPIC_API_KEY from the environment (sk-ant-a****d0AA) "
    "(HTTP 401: invalid x-api-key)"
), anthropic_msg
assert anthropic_requests == 1 and "Retrying cannot help" in anthropic_msg
bad_gemini = ApiKey("AIzaSy" + "x" * 33, "GEMINI_API_KEY", "/srv/app/.env")
gemini_msg, gemini_requests = startup_error(
    lambda: verify_api_key(bad_gemini, "https://generativelanguage.googleapis.com/v1beta")
)
assert "(HTTP 400: API key not valid. Please pass a valid API key.)" in gemini_msg, gemini_msg
assert "GEMINI_API_KEY from /srv/app/.env (AIzaSyxx****xxxx)" in gemini_msg and gemini_requests == 1
good = [
    verify_api_key(
        ApiKey(ANTHROPIC_KEY, "ANTHROPIC_API_KEY", "env"), "https://api.anthropic.com/v1"
    ),
    verify_api_key(
        ApiKey(GEMINI_KEY, "GEMINI_API_KEY", "env"),
        "https://generativelanguage.googleapis.com/v1beta",
    ),
]
assert [g.split(" accepted by ")[1] for g in good] == [
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
], good

# A 429 (quota) is not a key problem: the key was accepted, another entry's matter.
quota = verify_api_key(ApiKey(NO_QUOTA_KEY, "OPENAI_API_KEY", "env"), "https://api.openai.com/v1")
assert quota == "sk-proj-****zero accepted by api.openai.com (but HTTP 429: rate limit or quota)"

# Cleaning: what copying adds comes off; what cannot be a key is refused before any request.
assert normalise_key(f"  {OPENAI_KEY}\n") == (OPENAI_KEY, ("whitespace/line ends",))
assert normalise_key(f"Bearer {OPENAI_KEY}")[0] == OPENAI_KEY
assert normalise_key(f"\u201c{OPENAI_KEY}\u201d")[0] == OPENAI_KEY
assert normalise_key(f"\ufeff'{OPENAI_KEY}'")[0] == OPENAI_KEY
for broken in ("", '""', OPENAI_KEY[:20] + "\n" + OPENAI_KEY[20:], OPENAI_KEY[:20] + " x"):
    try:
        normalise_key(broken)
        refused = "accepted"
    except ApiKeyError as exc:
        refused = str(exc)
    assert refused.startswith("the API key"), (broken, refused)
missing, _ = startup_error(lambda: load_api_key("OPENAI_API_KEY", dotenv_path=TMP, environ={}))
assert missing.startswith("OPENAI_API_KEY is not set in the environment nor in"), missing

record(
    wrong_quotes=wrong_quotes,
    wrong_retried_401s=retried_401s,
    wrong_newline=wrong_newline[:60],
    wrong_stale=wrong_stale,
    wrong_router=wrong_router,
    fixed=accepted,
    fixed_cleaned=list(key.cleaned),
    stale=stale_msg.split(" (HTTP")[0],
    router=router_msg,
    anthropic=anthropic_msg.split(". The key")[0],
    gemini=gemini_msg.split(". The key")[0],
    requests_on_rejection=[stale_requests, router_requests, anthropic_requests, gemini_requests],
)
