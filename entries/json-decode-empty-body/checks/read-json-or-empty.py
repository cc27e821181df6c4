"""An empty body or a 0-byte file makes json fail with 'Expecting value ... (char 0)'; the helpers
return None for a 204, name the status or the file for an empty one, and never leave a file empty."""

import json
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
cache = folder / "cache.json"
cache.write_text('{"token": "abc"}', encoding="utf-8")
try:  # the usual save: open("w") truncates first, then json.dump fails part-way
    with open(cache, "w", encoding="utf-8") as file:
        json.dump({"token": "new", "expires": object()}, file)
except TypeError:
    pass
naive = []
for text in ("", cache.read_text(encoding="utf-8"), "\n"):
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        naive.append(str(error))
assert naive[0] == "Expecting value: line 1 column 1 (char 0)", naive
assert len(naive) == 3, naive

ns = load_snippet()
Empty = ns["EmptyJSON"]
assert ns["parse_body"](204, b"", "https://api.example/items/7") is None
assert ns["parse_body"](200, b'{"id": 7}') == {"id": 7}
messages = []
for status, body in ((200, b""), (500, "  \n")):
    try:
        ns["parse_body"](status, body, "https://api.example/items")
        raise AssertionError("empty body accepted")
    except Empty as error:
        messages.append(str(error))
assert "HTTP 200 from https://api.example/items: empty body" in messages[0], messages
assert messages[1].startswith("HTTP 500"), messages
try:
    ns["parse_body"](200, '{"id": 7')
    raise AssertionError("broken JSON accepted")
except Empty:
    raise AssertionError("broken JSON reported as empty") from None
except json.JSONDecodeError:
    pass

empty_file = folder / "settings.json"
empty_file.write_text("", encoding="utf-8")
try:
    ns["load_json_file"](empty_file)
    raise AssertionError("empty file accepted")
except Empty as error:
    messages.append(str(error))
assert "settings.json is empty (0 bytes)" in messages[2], messages

safe = folder / "safe.json"
ns["save_json_atomic"](safe, {"token": "abc"})
try:
    ns["save_json_atomic"](safe, {"token": "new", "expires": object()})
except TypeError:
    pass
assert ns["load_json_file"](safe) == {"token": "abc"}  # the failed save left the old file
ns["save_json_atomic"](safe, {"token": "new"})
assert ns["load_json_file"](safe) == {"token": "new"}
record(naive_errors=naive, reported=[m.replace(str(folder), "<dir>") for m in messages])
