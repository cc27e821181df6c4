"""Parse JSON from an HTTP body or a file, and report an empty one instead of a syntax error."""

import json
import os
from pathlib import Path

# WRONG: data = response.json()          (a 204 No Content, or an error path that sent nothing)
#        data = json.load(open("cache.json"))   (a 0-byte file left by an interrupted write)
#   json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)

NO_BODY = {204, 205, 304}  # these statuses never carry a body


class EmptyJSON(ValueError):
    """There was nothing to parse: an empty body or a 0-byte file, not malformed JSON."""


def parse_body(status: int, body: bytes | str, url: str = "") -> object:
    """The decoded body; None for a 204/205/304; EmptyJSON naming the status for an empty body."""
    if status in NO_BODY:
        return None
    text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    if not text.strip():
        raise EmptyJSON(f"HTTP {status} from {url or 'the server'}: empty body where JSON was expected")
    return json.loads(text)


def load_json_file(path: str | Path) -> object:
    """The file's JSON; EmptyJSON naming the file when it holds nothing (0 bytes or blanks)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if not text.strip():
        raise EmptyJSON(f"{path} is empty ({len(text)} bytes): never written, or a write was interrupted")
    return json.loads(text)


def save_json_atomic(path: str | Path, data: object) -> None:
    """Write to a temporary file beside the target, then rename: readers see old or new, never empty."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(data, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, target)


# requests: parse_body(r.status_code, r.content, r.url)   httpx: parse_body(r.status_code, r.content, str(r.url))
