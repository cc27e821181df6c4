"""The main segment of the index in one file per revision, mapped into memory as it is.

A file is a magic, a JSON header (format, build key, revision, counts, where each array lies,
a CRC-32 of header and arrays) and the arrays, each aligned, read with `np.frombuffer` over a
read-only `mmap`: several processes on one machine share the pages, and a start costs a
checksum pass instead of a build. Written to a temporary file, then renamed over (atomic on
POSIX); a file that fails any check is removed and never used.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from . import build
from .build import _State
from .evidence import GENERIC_MESSAGES
from .mask import TOKENIZATION
from .strings import Strings

MAGIC = b"ERRATAIX"
FORMAT = 2  # 2: row_generic
ALIGN = 64
SUBDIR = "search-index"
ARRAYS = (
    "outcome", "row_start", "token_start", "row_tokens", "row_specific", "row_generic",
    "doc_lengths",
    "generic", "df", "idf", "weights", "masked_prints", "masked_rows", "word_prints",
    "word_rows", "row_entry",
)  # fmt: skip
STRINGS = ("ids", "texts")
log = logging.getLogger(__name__)


def build_key() -> str:
    """What a file must have been built with to be used: a change here means a full rebuild
    (each row's generic flag is read from GENERIC_MESSAGES at build time)."""
    messages = zlib.crc32(GENERIC_MESSAGES.pattern.encode("utf-8"))
    return (
        f"prior={build.IDF_PRIOR_DOCS};generic={build.GENERIC_WEIGHT};tokens={TOKENIZATION};"
        f"generic_messages={messages:08x}"
    )


def _arrays(state: _State) -> dict[str, Any]:
    arrays = {name: getattr(state, name) for name in ARRAYS}
    for name in STRINGS:
        strings = getattr(state, name)
        strings = strings if isinstance(strings, Strings) else Strings.pack(strings)
        arrays[f"{name}.data"], arrays[f"{name}.ends"] = strings.data, strings.ends
    tokens = Strings.pack(state.tokens_by_id)
    arrays["tokens.data"], arrays["tokens.ends"] = tokens.data, tokens.ends
    for key in ("data", "indices", "indptr"):
        arrays[f"bm25.{key}"] = state.bm25[key] if state.bm25 else np.zeros(0)
    for lang, allowed in state.languages.items():
        arrays[f"lang.{lang}"] = allowed
    return {name: np.ascontiguousarray(value) for name, value in arrays.items()}


def _layout(arrays: dict[str, Any]) -> tuple[dict[str, Any], int]:
    table, offset = {}, 0
    for name, value in arrays.items():
        table[name] = {"dtype": value.dtype.str, "shape": list(value.shape), "offset": offset}
        offset += -(-value.nbytes // ALIGN) * ALIGN
    return table, offset


def _header(state: _State, table: dict[str, Any], size: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "build": build_key(),
        "revision": state.revision,
        "outcome_revision": state.outcome_revision,
        "entries": len(state.ids),
        "rows": len(state.row_specific),
        "tokens": len(state.tokens_by_id),
        "num_docs": state.bm25["num_docs"] if state.bm25 else 0,
        "unknown_weight": state.unknown_weight,
        "built_seconds": state.built_seconds,
        "arrays": table,
        "data_bytes": size,
    }


def _padded(value: Any) -> bytes:
    raw = value.tobytes()
    return raw + b"\0" * (-len(raw) % ALIGN)


def path_for(directory: Path, revision: int) -> Path:
    """The file of a revision."""
    return directory / SUBDIR / f"index-{revision:012d}.bin"


def save(state: _State, directory: Path) -> Path | None:
    """Write a main segment's file atomically and remove older ones; None when there is
    nothing worth keeping (no revision or no entries)."""
    if state.revision is None or not len(state.ids):
        return None
    arrays = _arrays(state)
    table, size = _layout(arrays)
    header = _header(state, table, size)
    crc = zlib.crc32(json.dumps(header, sort_keys=True).encode("utf-8"))
    for value in arrays.values():
        crc = zlib.crc32(_padded(value), crc)
    target = path_for(directory, state.revision)
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(target, {**header, "crc32": crc}, arrays)
    for old in target.parent.glob("index-*.bin"):
        if old.name < target.name:
            old.unlink(missing_ok=True)  # a process that mapped it keeps its pages
    return target


def _write(target: Path, header: dict[str, Any], arrays: dict[str, Any]) -> None:
    text = json.dumps(header, sort_keys=True).encode("utf-8")
    start = _data_start(len(text))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".bin")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + len(text).to_bytes(8, "little") + text)
            out.write(b"\0" * (start - 16 - len(text)))
            for value in arrays.values():
                out.write(_padded(value))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _data_start(header_length: int) -> int:
    return -(-(16 + header_length) // mmap.PAGESIZE) * mmap.PAGESIZE


def load(directory: Path, revision: int) -> _State | None:
    """The newest valid file at or before `revision` (a later one belongs to another database
    state: stale); files that fail a check are removed. None: build from the database."""
    folder = directory / SUBDIR
    files = sorted(folder.glob("index-*.bin"), reverse=True) if folder.is_dir() else []
    for path in files:
        state = read(path)
        if _usable(state, path, directory, revision):
            return state
        log.warning("search index file %s is corrupt or stale: removed", path)
        path.unlink(missing_ok=True)
    return None


def _usable(state: _State | None, path: Path, directory: Path, revision: int) -> bool:
    if state is None or state.revision is None or state.revision > revision:
        return False
    return path.name == path_for(directory, state.revision).name


def read(path: Path) -> _State | None:
    """A main segment from its file, or None when any check fails."""
    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return _from_map(mapped)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _from_map(mapped: mmap.mmap) -> _State | None:
    if mapped[:8] != MAGIC:
        return None
    length = int.from_bytes(mapped[8:16], "little")
    header = json.loads(mapped[16 : 16 + length])
    start = _data_start(length)
    crc = header.pop("crc32")
    if header["format"] != FORMAT or header["build"] != build_key():
        return None
    if len(mapped) != start + header["data_bytes"]:
        return None
    check = zlib.crc32(json.dumps(header, sort_keys=True).encode("utf-8"))
    if zlib.crc32(memoryview(mapped)[start:], check) != crc:
        return None
    arrays = {
        name: np.frombuffer(
            mapped, np.dtype(spec["dtype"]), int(np.prod(spec["shape"])), start + spec["offset"]
        ).reshape(spec["shape"])
        for name, spec in header["arrays"].items()
    }
    return _state(header, arrays)


def _state(header: dict[str, Any], arrays: dict[str, Any]) -> _State:
    state = _State(revision=header["revision"], outcome_revision=header["outcome_revision"])
    for name in ARRAYS:
        setattr(state, name, arrays[name])
    state.ids = Strings(arrays["ids.data"], arrays["ids.ends"])
    state.texts = Strings(arrays["texts.data"], arrays["texts.ends"])
    state.tokens_by_id = Strings(arrays["tokens.data"], arrays["tokens.ends"]).to_list()
    state.vocab = dict(zip(state.tokens_by_id, range(len(state.tokens_by_id)), strict=True))
    state.bm25 = {key: arrays[f"bm25.{key}"] for key in ("data", "indices", "indptr")}
    state.bm25["num_docs"] = header["num_docs"]
    state.languages = {k[5:]: v for k, v in arrays.items() if k.startswith("lang.")}
    state.unknown_weight = header["unknown_weight"]
    state.built_seconds = header["built_seconds"]
    return state
