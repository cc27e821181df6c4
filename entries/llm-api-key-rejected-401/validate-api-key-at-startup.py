"""Know at start-up whether the provider accepts the API key, and which key it was: read it
from the environment or .env (noting when an exported value hides the .env one), strip quotes
and whitespace, check its prefix against the base_url, make one cheap authenticated call, and
stop on 401 with a message naming the variable, where it came from and its masked tail."""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

# WRONG: OPENAI_API_KEY="sk-proj-...abcd" passed on with its quotes (docker --env-file, Colab's
#   %set_env, Windows `set`), a trailing \r or \n (a Windows .env, `echo key | kubectl create
#   secret`), an old key exported in ~/.bashrc that wins over .env, an OpenRouter or DeepSeek key
#   sent to api.openai.com; and a retry decorator around every call, so 401 Incorrect API key
#   provided is retried for minutes, never reported as a key problem.

# Host -> the prefixes its keys start with. Hosts not listed are not checked.
KEY_PREFIXES = {
    "api.openai.com": ("sk-",),
    "api.anthropic.com": ("sk-ant-",),
    "openrouter.ai": ("sk-or-",),
    "generativelanguage.googleapis.com": ("AIza",),
    "api.groq.com": ("gsk_",),
    "api.deepseek.com": ("sk-",),
}
# Prefixes that name one provider, so a key starting with one is wrong anywhere else.
KNOWN_PREFIXES = {
    "sk-ant-": "Anthropic",
    "sk-or-": "OpenRouter",
    "sk-proj-": "OpenAI",
    "sk-svcacct-": "OpenAI",
    "AIza": "Google (Gemini)",
    "gsk_": "Groq",
    "nvapi-": "NVIDIA",
    "xai-": "xAI",
    "hf_": "Hugging Face",
}
PROVIDER_HOSTS = {
    "Anthropic": "api.anthropic.com",
    "OpenRouter": "openrouter.ai",
    "OpenAI": "api.openai.com",
    "Google (Gemini)": "generativelanguage.googleapis.com",
    "Groq": "api.groq.com",
}
QUOTES = "\"'\u201c\u201d\u2018\u2019`"
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


class ApiKeyError(RuntimeError):
    """The key is missing, malformed, meant for another provider, or rejected: not retryable."""


def mask(key: str) -> str:
    """Enough of the key to tell two keys apart in a log, never enough to use it."""
    return f"{key[:8]}****{key[-4:]}" if len(key) >= 16 else "****"


@dataclass(frozen=True)
class ApiKey:
    value: str
    variable: str
    origin: str  # "the environment" or the .env file's path
    shadowed: str | None = None  # masked .env value hidden by an exported one
    cleaned: tuple[str, ...] = ()  # what normalising removed

    def describe(self) -> str:
        text = f"{self.variable} from {self.origin} ({mask(self.value)})"
        if self.shadowed:
            text += (
                f"; the .env file holds a different key ({self.shadowed}) that the exported "
                "value overrides: unset the old export (~/.bashrc, setx, the IDE's run "
                "configuration) or load the file with load_dotenv(override=True)"
            )
        return text


def normalise_key(raw: str) -> tuple[str, tuple[str, ...]]:
    """Strip what copying adds around a key: whitespace and line ends, quotes, a 'Bearer '
    prefix, invisible characters. Returns the key and what was removed; raises ApiKeyError
    for what cannot be a key (empty, spaces or other characters inside)."""
    cleaned = []
    key = raw
    for _ in range(3):
        before = key
        stripped = key.strip().strip(INVISIBLE)
        if stripped != key:
            cleaned.append("whitespace/line ends" if key.strip() != key else "invisible chars")
        key = stripped
        if len(key) >= 2 and key[0] in QUOTES and key[-1] in QUOTES:
            key = key[1:-1]
            cleaned.append("quotes")
        if key.lower().startswith("bearer "):
            key = key[7:]
            cleaned.append("'Bearer ' prefix")
        if key == before:
            break
    if not key:
        raise ApiKeyError("the API key is empty")
    bad = [c for c in key if not ("!" <= c <= "~")]
    if bad:
        raise ApiKeyError(
            f"the API key ({mask(key)}) contains {bad[0]!r} at position {key.index(bad[0])}: "
            "keys are one line of printable ASCII; was it wrapped, or pasted from a document?"
        )
    return key, tuple(dict.fromkeys(cleaned))


def _read_dotenv(path: Path) -> dict[str, str]:
    values = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                name, _, value = line.removeprefix("export ").partition("=")
                values[name.strip()] = value.strip()
    return values


def load_api_key(
    variable: str, *, dotenv_path: str | Path = ".env", environ: Mapping[str, str] | None = None
) -> ApiKey:
    """The key as the program will use it: an exported variable wins over .env (python-dotenv's
    default), and when both are set and differ that is said, since it is the usual stale key."""
    environ = os.environ if environ is None else environ
    path = Path(dotenv_path).resolve()
    from_file = _read_dotenv(path).get(variable, "")
    exported = environ.get(variable, "")
    if exported.strip():
        value, origin = exported, "the environment"
    elif from_file:
        value, origin = from_file, str(path)
    else:
        raise ApiKeyError(f"{variable} is not set in the environment nor in {path}")
    key, cleaned = normalise_key(value)
    shadowed = None
    if exported.strip() and from_file:
        file_key = normalise_key(from_file)[0]
        if file_key != key:
            shadowed = mask(file_key)
    return ApiKey(key, variable, origin, shadowed, cleaned)


def check_key_matches(key: ApiKey, base_url: str) -> None:
    """Before any call: a key whose prefix belongs to another provider than base_url's host."""
    host = (urllib.parse.urlsplit(base_url).hostname or "").lower()
    expected = KEY_PREFIXES.get(host)
    owner = next((name for p, name in KNOWN_PREFIXES.items() if key.value.startswith(p)), None)
    if expected is None:
        return
    if not key.value.startswith(expected) or (owner and PROVIDER_HOSTS.get(owner) != host):
        hint = (
            f"it looks like a key for {owner}: use base_url https://{PROVIDER_HOSTS[owner]}/... "
            "or a key from this provider"
            if owner in PROVIDER_HOSTS
            else f"keys for {host} start with {' or '.join(expected)}"
        )
        raise ApiKeyError(f"{key.describe()} does not fit {host}: {hint}")


def _auth_headers(host: str, key: str) -> dict[str, str]:
    if host == "api.anthropic.com":
        return {"x-api-key": key, "anthropic-version": "2023-06-01"}
    if host == "generativelanguage.googleapis.com":
        return {"x-goog-api-key": key}
    return {"Authorization": f"Bearer {key}"}  # OpenAI and OpenAI-compatible servers


def _fetch(url: str, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout
        ) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def verify_api_key(
    key: ApiKey,
    base_url: str,
    *,
    timeout: float = 10.0,
    fetch: Callable[[str, dict[str, str], float], tuple[int, bytes]] = _fetch,
) -> str:
    """One cheap authenticated call (GET {base_url}/models, free on every provider), made once
    at start-up. Raises ApiKeyError on 401/403 (or Gemini's 400 API_KEY_INVALID) with the
    provider's own words and where the key came from; never retried."""
    check_key_matches(key, base_url)
    host = (urllib.parse.urlsplit(base_url).hostname or "").lower()
    status, body = fetch(base_url.rstrip("/") + "/models", _auth_headers(host, key.value), timeout)
    text = body.decode("utf-8", "replace")
    if status in (401, 403) or (status == 400 and "API_KEY_INVALID" in text):
        try:
            error = json.loads(text).get("error", {})
            said = error.get("message", text) if isinstance(error, dict) else str(error)
        except ValueError:
            said = text[:200]
        raise ApiKeyError(
            f"{host} rejected {key.describe()} (HTTP {status}: {said}). The key was read and "
            "sent: it is revoked or rotated, belongs to another project, organisation or "
            "provider, or was copied with extra characters. Retrying cannot help."
        )
    if status == 429:
        return f"{mask(key.value)} accepted by {host} (but HTTP 429: rate limit or quota)"
    if status >= 400:
        raise RuntimeError(f"{host} answered HTTP {status} to GET /models: {text[:200]}")
    return f"{mask(key.value)} accepted by {host}"
