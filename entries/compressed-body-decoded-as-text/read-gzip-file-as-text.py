"""Read a .gz file as text through gzip.open, never through open()."""

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

# WRONG: open("data.json.gz").read()  or  json.load(open("events.jsonl.gz", encoding="utf-8"))
#   UnicodeDecodeError: 'utf-8' codec can't decode byte 0x8b in position 1: invalid start byte


def open_text(path: str | Path) -> IO[str]:
    """A text file for path, decompressing when it starts with the gzip magic bytes 1f 8b."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file whether it is plain or gzip-compressed."""
    with open_text(path) as file:
        return json.load(file)


def read_lines(path: str | Path) -> Iterator[str]:
    """The lines of a (possibly gzipped) text file, streamed."""
    with open_text(path) as file:
        yield from (line.rstrip("\n") for line in file)
