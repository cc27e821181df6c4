"""Send and store data as JSON text made by json.dumps, never as str() or repr() of the object."""

import json
import re

# WRONG: sock.sendall(str(payload).encode())   /   file.write(str(record))
#   str({"ok": True, "note": None}) is "{'ok': True, 'note': None}": a Python repr, not JSON.
#   The reader's json.loads fails:
#   json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)

PY_REPR = re.compile(r"^\s*[\[{]\s*'|[:\[,]\s*(True|False|None)\b")


def to_json_line(value: object) -> bytes:
    """One JSON document on one line, UTF-8: what json.loads on the other side expects."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8") + b"\n"


def from_json_line(line: bytes) -> object:
    """Parse one line; when the sender wrote a Python repr, say so instead of a bare parse error."""
    text = line.decode("utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if PY_REPR.search(text):
            raise ValueError(
                f"not JSON but a Python repr (str() or repr() of a dict) at char {error.pos}: "
                f"{text[:60]!r}; the sender must write json.dumps(value)"
            ) from error
        raise
