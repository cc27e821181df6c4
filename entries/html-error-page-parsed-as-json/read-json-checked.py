"""Parse an HTTP body as JSON only when the status and Content-Type say it is JSON."""

import json
import re

# WRONG: data = json.loads(response.text)  /  response.json()
#   A 502 from a proxy, a login redirect, a 404 page or a CDN challenge is HTML:
#   json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)


class UnexpectedResponse(RuntimeError):
    """The server did not send the JSON we asked for; says what it sent instead."""


def describe(status: int, content_type: str, body: str) -> str:
    title = re.search(r"<title[^>]*>(.*?)</title>", body, re.I | re.S)
    shown = title.group(1).strip() if title else " ".join(body.split())[:120]
    return f"HTTP {status}, {content_type or 'no Content-Type'}: {shown!r}"


def read_json(status: int, content_type: str, body: str) -> object:
    """The decoded JSON, or UnexpectedResponse naming the status and the page's title."""
    is_json = "json" in content_type.lower()
    if not 200 <= status < 300 or not is_json:
        raise UnexpectedResponse(describe(status, content_type, body))
    try:
        return json.loads(body)
    except ValueError as error:
        raise UnexpectedResponse(f"{describe(status, content_type, body)} ({error})") from None


# requests: read_json(r.status_code, r.headers.get("Content-Type", ""), r.text)
# httpx:    read_json(r.status_code, r.headers.get("content-type", ""), r.text)
