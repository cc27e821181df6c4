"""Give the LLM SDK's own HTTP client the proxy (or a reachable base_url), and check at start-up
that the API host can be reached, failing at once with a message that names the host."""

import base64
import os
import socket
import urllib.parse
from collections.abc import Callable, Mapping

# WRONG: client = OpenAI() (or Anthropic(), ChatOpenAI(), genai.Client()) on a network that
#   blocks api.openai.com, with the proxy set only for requests (proxies={"https": ...}), in the
#   browser, or as openai.proxy (ignored since openai 1.0): the SDK's httpx client never sees it.
#   Every call waits out its connect timeout, is retried (max_retries=2; LangChain 6 times) and
#   ends in openai.APIConnectionError: Connection error. (httpx.ConnectTimeout, [Errno 101]).

Connect = Callable[[tuple[str, int], float], socket.socket]
DEFAULT_PORTS = {"http": 80, "https": 443}


class ApiHostUnreachable(RuntimeError):
    """No connection to the API host at all (no HTTP answer): a network or proxy problem that no
    retry and no new API key will fix."""


def _env(environ: Mapping[str, str], name: str) -> str:
    # curl and httpx read the lower-case name first; empty counts as unset
    return environ.get(name.lower()) or environ.get(name.upper()) or ""


def _no_proxy_covers(host: str, no_proxy: str) -> bool:
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if entry == "*":
            return True
        entry = entry.lstrip(".")
        if entry and (host == entry or host.endswith("." + entry)):
            return True
    return False


def proxy_for(url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The proxy that httpx (trust_env=True, the SDKs' default), requests and curl use for url:
    HTTPS_PROXY for https (HTTP_PROXY for http), else ALL_PROXY; None when NO_PROXY covers the
    host. Pass the same value to the SDK's client explicitly, so it cannot silently differ."""
    environ = os.environ if environ is None else environ
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if _no_proxy_covers(host, _env(environ, "no_proxy")):
        return None
    return _env(environ, f"{parts.scheme}_proxy") or _env(environ, "all_proxy") or None


def redact(proxy_url: str) -> str:
    """The proxy URL with its password hidden, for messages and logs."""
    parts = urllib.parse.urlsplit(proxy_url)
    if parts.password is None:
        return proxy_url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def open_tunnel(
    host: str,
    port: int,
    proxy_url: str,
    *,
    timeout: float = 5.0,
    connect: Connect = socket.create_connection,
) -> socket.socket:
    """Open host:port through an HTTP proxy with CONNECT, as httpx and undici's ProxyAgent do
    for https; the socket returned is ready for the TLS handshake with the host."""
    proxy = urllib.parse.urlsplit(proxy_url)
    if proxy.scheme not in ("http", "https"):
        raise ValueError(
            f"proxy scheme {proxy.scheme!r} is not an HTTP proxy (socks5:// needs httpx[socks])"
        )
    sock = connect((proxy.hostname, proxy.port or DEFAULT_PORTS[proxy.scheme]), timeout)
    request = f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    if proxy.username is not None:
        userinfo = (
            f"{urllib.parse.unquote(proxy.username)}:{urllib.parse.unquote(proxy.password or '')}"
        )
        request += f"Proxy-Authorization: Basic {base64.b64encode(userinfo.encode()).decode()}\r\n"
    sock.sendall((request + "\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)  # byte by byte: nothing after the head may be taken from the tunnel
        if not chunk:
            break
        head += chunk
    status = head.split(b"\r\n", 1)[0].decode("latin-1")
    if status.split(" ")[1:2] != ["200"]:
        sock.close()
        raise ApiHostUnreachable(
            f"the proxy {redact(proxy_url)} did not open {host}:{port}: {status or 'no answer'}"
        )
    return sock


def check_api_reachable(
    base_url: str,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 5.0,
    connect: Connect = socket.create_connection,
) -> str:
    """One connection to the API host, through the proxy the SDK will use, with a short timeout:
    run it at start-up. Returns how the host was reached; raises ApiHostUnreachable naming the
    host, the proxy (or that there is none) and what to change, instead of minutes of retries."""
    parts = urllib.parse.urlsplit(base_url)
    host, port = parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme]
    proxy = proxy_for(base_url, environ)
    try:
        if proxy:
            sock = open_tunnel(host, port, proxy, timeout=timeout, connect=connect)
        else:
            sock = connect((host, port), timeout)
    except OSError as exc:  # refused, unreachable, timed out (TimeoutError is an OSError)
        if proxy:
            raise ApiHostUnreachable(
                f"cannot reach the proxy {redact(proxy)} for {host}:{port}: {exc}; "
                "is the proxy running, and is this its address and port?"
            ) from exc
        raise ApiHostUnreachable(
            f"cannot reach {host}:{port} directly: {exc}. This network does not let it through "
            "and no HTTPS_PROXY / ALL_PROXY is set for this process. Give the SDK's own client "
            "the proxy (HTTPS_PROXY=http://host:port, or http_client=DefaultHttpxClient("
            "proxy=...) / a ProxyAgent in Node) or a base_url it can reach (an approved relay): "
            "a proxy set for requests, in the browser or in the OS is not one it uses."
        ) from exc
    sock.close()
    return f"{host}:{port} reachable " + (f"through {redact(proxy)}" if proxy else "directly")


def make_openai_client(
    base_url: str = "https://api.openai.com/v1",
    *,
    environ: Mapping[str, str] | None = None,
    max_retries: int = 2,
    **options,
):
    """An OpenAI client whose own HTTP client carries the proxy chosen for base_url (the same
    with anthropic.Anthropic and anthropic.DefaultHttpxClient). proxy= needs httpx >= 0.26;
    httpx 0.28 removed proxies=."""
    from openai import DefaultHttpxClient, OpenAI

    proxy = proxy_for(base_url, environ)
    return OpenAI(
        base_url=base_url,
        http_client=DefaultHttpxClient(proxy=proxy),
        max_retries=max_retries,
        **options,
    )
