"""Many strings in two flat arrays (UTF-8 bytes end to end, and where each ends): one object
instead of one per string, and arrays a persisted index maps from its file as they are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np


class Strings(Sequence[str]):
    """A read-only sequence of strings packed in `data` (uint8) with `ends` (int64)."""

    def __init__(self, data: Any, ends: Any) -> None:
        self.data, self.ends = data, ends
        self._bytes = memoryview(data).cast("B") if len(data) else memoryview(b"")
        self._ends = memoryview(ends).cast("B").cast("q") if len(ends) else memoryview(b"")

    @classmethod
    def pack(cls, items: Iterable[str]) -> Strings:
        """Pack strings (encoded once, then joined)."""
        encoded = [item.encode("utf-8") for item in items]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return cls(data, np.cumsum(lengths, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ends)

    @overload
    def __getitem__(self, at: int) -> str: ...
    @overload
    def __getitem__(self, at: slice) -> list[str]: ...
    def __getitem__(self, at: int | slice) -> str | list[str]:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        if at < 0:
            at += len(self)
        start = self._ends[at - 1] if at else 0
        return str(self._bytes[start : self._ends[at]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def to_list(self) -> list[str]:
        """Every string as a Python list (one decode of the whole buffer when it is ASCII)."""
        text = str(self._bytes, "utf-8")
        if len(text) != len(self._bytes):
            return list(self)
        starts = [0, *self._ends[:-1]] if len(self) else []
        return [text[a:b] for a, b in zip(starts, self._ends, strict=True)]
