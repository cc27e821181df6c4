"""Decompress an HTTP body per its Content-Encoding before decoding it as text."""

import gzip
import json
import zlib
from typing import Any, Protocol

# WRONG: urllib.request / http.client / a raw socket with copied browser headers
#   req = Request(url, headers={"Accept-Encoding": "gzip, deflate, br", ...})
#   urlopen(req).read().decode("utf-8")
#   UnicodeDecodeError: 'utf-8' codec can't decode byte 0x8b in position 1: invalid start byte
# urllib and http.client never decompress; requests and httpx do it for gzip and deflate.


class Response(Protocol):
    """What http.client.HTTPResponse and urllib's response objects offer."""

    def read(self) -> bytes: ...
    def getheader(self, name: str, default: str | None = None) -> str | None: ...


def decompress(body: bytes, content_encoding: str | None) -> bytes:
    """Undo every coding in Content-Encoding (applied in order, so undo in reverse)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    if not codings and body[:2] == b"\x1f\x8b":
        codings = ["gzip"]  # a server that gzips without saying so
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = gzip.decompress(body)
        elif coding == "deflate":
            body = _inflate(body)
        elif coding != "identity":
            raise ValueError(f"body is {coding}-compressed: install a decoder or do not send Accept-Encoding: {coding}")
    return body


def _inflate(body: bytes) -> bytes:
    """'deflate' is zlib-wrapped by the RFC; some servers send raw deflate."""
    try:
        return zlib.decompress(body)
    except zlib.error:
        return zlib.decompress(body, -zlib.MAX_WBITS)


def response_text(response: Response, charset: str = "utf-8") -> str:
    """The body of an http.client / urllib response as text, decompressed first."""
    body = decompress(response.read(), response.getheader("Content-Encoding"))
    return body.decode(charset)


def response_json(response: Response) -> Any:
    """The body parsed as JSON, decompressed first."""
    return json.loads(response_text(response))
