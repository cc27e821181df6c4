"""open() on a .gz file fails at byte 0x8b in position 1; open_text reads it through gzip."""

import gzip
import json
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
data = {"name": "café", "n": 3}
gz, plain, lines = folder / "data.json.gz", folder / "data.json", folder / "log.txt.gz"
with gzip.open(gz, "wt", encoding="utf-8") as file:
    json.dump(data, file)
plain.write_text(json.dumps(data), encoding="utf-8")
with gzip.open(lines, "wt", encoding="utf-8") as file:
    file.write("first\nsecond\n")

naive = []
try:
    with open(gz, encoding="utf-8") as file:
        json.load(file)
except UnicodeDecodeError as error:
    naive.append(str(error))
assert naive == ["'utf-8' codec can't decode byte 0x8b in position 1: invalid start byte"], naive

ns = load_snippet()
assert ns["read_json"](gz) == data and ns["read_json"](plain) == data
assert list(ns["read_lines"](lines)) == ["first", "second"]
record(naive=naive)
