"""A JSON file or body that starts with EF BB BF fails json.load / json.loads of the decoded text with 'Unexpected UTF-8
BOM'; read as Latin-1 it shows the 'ï»¿' Go and PHP report. The helpers parse it, save without a
BOM, and strip the BOM from the file for every other reader."""

import json
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
export = folder / "export.json"
value = {"name": "Zoë", "items": [1, 2], "ok": True}
export.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8-sig")  # as Notepad saves
raw = export.read_bytes()
assert raw[:3] == b"\xef\xbb\xbf", raw[:8]
naive = []
for attempt in (
    lambda: json.load(open(export, encoding="utf-8")),
    lambda: json.loads(raw.decode("utf-8")),
):
    try:
        attempt()
        raise AssertionError("a BOM-prefixed document parsed")
    except json.JSONDecodeError as error:
        naive.append(str(error))
assert naive == ["Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"] * 2, naive
assert json.loads(raw) == value  # bytes: json detects the encoding itself and drops the BOM
latin1_start = raw.decode("latin-1")[:3]
assert latin1_start == "ï»¿", latin1_start  # the 'ï' of Go's "invalid character 'ï'"

ns = load_snippet()
assert ns["parse_json_bytes"](raw) == value
assert ns["parse_json_bytes"](json.dumps(value).encode("utf-8")) == value  # no BOM: unchanged
assert ns["parse_json_text"](raw.decode("utf-8")) == value
assert ns["load_json_file"](export) == value
try:
    ns["parse_json_bytes"](b"\xef\xbb\xbf{'a': 1}")
    raise AssertionError("broken JSON accepted")
except json.JSONDecodeError as error:
    assert "BOM" not in str(error), error
saved = folder / "saved.json"
ns["save_json"](saved, value)
assert saved.read_bytes()[:1] == b"{" and json.loads(saved.read_text(encoding="utf-8")) == value
assert ns["strip_bom_in_place"](export) is True and ns["strip_bom_in_place"](export) is False
with open(export, encoding="utf-8") as file:
    assert json.load(file) == value
record(naive_errors=naive, latin1_start=latin1_start, saved_first_bytes=saved.read_bytes()[:4].hex())
