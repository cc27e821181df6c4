"""Use a file only while its `with` block is open; log to the stream of the moment."""

import csv
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

# WRONG:
#   def rows(path):
#       with open(path, newline="") as f:
#           return csv.reader(f)          # lazy: the file is closed before the caller reads
#   handler = logging.StreamHandler(sys.stdout)  # bound to the stream object of import time;
#                                                # pytest/redirect_stdout closes it -> "Logging error"


def read_rows(path: str | Path) -> list[list[str]]:
    """Materialise inside the block: the caller gets data, not a reader over a closed file."""
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def iter_rows(path: str | Path) -> Iterator[list[str]]:
    """Stream lazily: the generator owns the file and closes it when iteration ends."""
    with open(path, newline="", encoding="utf-8") as file:
        yield from csv.reader(file)


class CurrentStdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is at emit time (capture and redirection safe)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stdout

    @stream.setter
    def stream(self, value) -> None:  # noqa: ANN001
        pass  # always follow sys.stdout
