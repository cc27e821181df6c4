"""The in-memory search index of one process, kept current without rebuilding it.

`refresh_if_changed` costs one small query when nothing changed. When entries changed it reads
only those (each entry carries the revision that last changed it) and puts them in a small
delta segment searched beside the main one (`snapshot.py`): milliseconds, not a rebuild. A
full rebuild (first build, too many changes, or a delta grown past `MERGE_SHARE` of the main)
reads the documents in one short session, builds in a background thread while searches use
the current snapshot, then swaps the new one in whole, so searches never see half an index.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import store
from ..db import Database
from ..models import IndexDocument
from . import persist
from .bm25 import top_k_scored
from .brief_cache import BriefCache
from .build import _State, build_state
from .normalize import Normalized
from .snapshot import Snapshot, apply_changes
from .word_model import shipped

log = logging.getLogger(__name__)
MERGE_SHARE = 0.02  # rebuild in the background once delta + masked entries pass this share
MERGE_MIN = 200  # ... and this many (a small base rebuilds in well under a second anyway)
MAX_CHANGES = 5_000  # more changed entries than this at once: a full rebuild is cheaper


class SearchIndex:
    """The index of every active entry: a main segment plus a delta of recent changes."""

    def __init__(
        self, data_dir: Path | None = None, *, outcome_min_clients: int = store.MIN_CLIENTS
    ) -> None:
        self._data_dir = data_dir  # where the index file lives (None: never persisted)
        self.outcome_min_clients = outcome_min_clients  # see store.outcome_scores
        self._state = Snapshot.of(_State())
        self._build_lock = threading.Lock()  # one writer: delta updates and swaps
        self._rebuilding: threading.Thread | None = None
        self._last_check = 0.0
        self.full_builds = 0  # how many full builds this process ran (for tests and health)
        self.loaded_from: Path | None = None  # the index file this process started from
        self.briefs = BriefCache()  # the fixes of recent results (brief_cache.py)
        # (revision, live entries the word model lacks), counted once per revision
        self._unfitted: tuple[int | None, int] | None = None

    @classmethod
    def build(
        cls,
        database: Database,
        data_dir: Path | None = None,
        *,
        outcome_min_clients: int = store.MIN_CLIENTS,
    ) -> SearchIndex:
        """An index of the database's active entries: from the newest valid index file in
        `data_dir` plus the changes since its revision, else built (and saved there)."""
        index = cls(data_dir, outcome_min_clients=outcome_min_clients)
        if not index._load(database):
            index.rebuild(database)
        return index

    def _load(self, database: Database) -> bool:
        main = self._newer_file(database)
        if main is None:
            return False
        self._state = Snapshot.of(main)
        self.refresh_if_changed(database)
        _settle()
        return True

    def _newer_file(self, database: Database) -> _State | None:
        """The data folder's newest valid file when it is newer than this index's main
        segment (another process on this host built it), else None."""
        if self._data_dir is None:
            return None
        with database.read() as session:
            revision, _ = store.get_revisions(session=session)
        main = persist.load(self._data_dir, revision)
        if main is None or (main.revision or 0) <= (self._state.main.revision or 0):
            return None
        self.loaded_from = persist.path_for(self._data_dir, main.revision or 0)
        return main

    @classmethod
    def from_documents(
        cls, docs: Iterable[IndexDocument], revision: int | None = None
    ) -> SearchIndex:
        """An index of given documents (benchmarks build from generated entries)."""
        index = cls()
        index._state = Snapshot.of(build_state(docs, revision))
        return index

    @property
    def state(self) -> Snapshot:
        """The current snapshot; read it once per search so a swap never splits a query."""
        return self._state

    def _full_state(self, database: Database) -> Snapshot:
        with database.read() as session:
            revision, outcome_revision = store.get_revisions(session=session)
            docs = store.index_documents(session=session, min_clients=self.outcome_min_clients)
        main = build_state(docs, revision)
        main.outcome_revision = outcome_revision
        self.full_builds += 1
        return Snapshot.of(main)

    def rebuild(self, database: Database) -> None:
        """Map a newer file another process saved, else build everything now (in this
        thread), save it, and swap in the saved file's mapping (pages shared with other
        processes) or, unsaved, the build itself; then take in the changes since."""
        newer = self._newer_file(database)
        state = Snapshot.of(newer) if newer else self._saved(self._full_state(database))
        with self._build_lock:
            self._state = state
            self._catch_up(database)
        _settle()

    def _saved(self, state: Snapshot) -> Snapshot:
        """The build saved to the data folder and mapped back (or, unsaved, as it is)."""
        if self._data_dir is None:
            return state
        try:
            saved = persist.save(state.main, self._data_dir)
        except OSError as exc:  # a full disk costs the next start a build, not this one
            log.warning("search index not saved: %s", exc)
            return state
        main = persist.read(saved) if saved else None
        return Snapshot.of(main) if main else state

    def rebuild_in_background(self, database: Database) -> threading.Thread:
        """Start a full rebuild in a thread (one at a time); searches keep the current state."""
        with self._build_lock:
            if self._rebuilding is not None and self._rebuilding.is_alive():
                return self._rebuilding
            self._rebuilding = threading.Thread(
                target=self.rebuild, args=(database,), name="errata-index-rebuild", daemon=True
            )
            self._rebuilding.start()
            return self._rebuilding

    def _catch_up(self, database: Database) -> bool:
        """Take in the entries changed since this state's revision (lock held). False when too
        many changed: the caller rebuilds instead."""
        state = self._state
        with database.read() as session:
            revision, _ = store.get_revisions(session=session)
            if revision == state.revision or state.revision is None:
                return True
            changes = store.changed_entries(
                session=session,
                since=state.revision,
                limit=MAX_CHANGES,
                min_clients=self.outcome_min_clients,
            )
        if changes is None:
            return False
        docs, retired = changes
        self._state = apply_changes(state, docs, retired, revision)
        return True

    def reload_outcomes(self, database: Database) -> None:
        """Only outcome reports changed: re-read the scores (one grouped query) and swap."""
        with self._build_lock:
            with database.read() as session:
                _, outcome_revision = store.get_revisions(session=session)
                scores = store.outcome_scores(session=session, min_clients=self.outcome_min_clients)
            state = self._state
            main = dataclasses.replace(state.main, outcome=_scores(state.main, scores))
            delta = state.delta
            if delta is not None:
                delta = dataclasses.replace(delta, outcome=_scores(delta, scores))
            self._state = dataclasses.replace(
                state, main=main, delta=delta, outcome_revision=outcome_revision
            )

    def refresh_if_changed(self, database: Database) -> bool:
        """Take in changed entries, reload scores when only reports changed; else one query."""
        with database.read() as session:
            revision, outcome_revision = store.get_revisions(session=session)
        self._last_check = time.time()
        changed = False
        if revision != self._state.revision:
            if self._state.revision is None:
                self.rebuild(database)
                return True
            with self._build_lock:
                caught_up = self._catch_up(database)
            if not caught_up or self._needs_merge():
                self.rebuild_in_background(database)
            changed = True
        if outcome_revision != self._state.outcome_revision:
            self.reload_outcomes(database)
            changed = True
        return changed

    def _needs_merge(self) -> bool:
        state = self._state
        churn = len(state.cached) + state.masked
        return churn > max(MERGE_MIN, MERGE_SHARE * state.n_main)

    def describe(self) -> dict[str, Any]:
        """Revision, entry counts and build time, for `/api/health`."""
        state = self._state
        return {
            "revision": state.revision,
            **state.describe(),
            "built_seconds": round(state.main.built_seconds, 3),
            "full_builds": self.full_builds,
            "loaded_from": self.loaded_from.name if self.loaded_from else None,
            "word_model": {"entries": len(shipped().fitted), "unfitted": self._count_unfitted()},
        }

    def _count_unfitted(self) -> int:
        """Live entries the word model was not fitted on (rerun bench/fit_word_model.py when
        this grows), counted once per revision: a health check stays cheap at 100k entries."""
        state, cached = self._state, self._unfitted
        if cached is None or cached[0] != state.revision:
            cached = (state.revision, shipped().unfitted(state.ids))
            self._unfitted = cached
        return cached[1]

    def candidates(
        self, state: Snapshot, query: Normalized, k: int, language: str | None,
        known: Mapping[str, int] | None = None,
    ) -> tuple[list[int], set[int], set[int]]:  # fmt: skip
        """The best bm25 entries plus those sharing a fingerprint, and the rows that share one
        (`known`: the query's tokens that the vocabulary has, with their ids, if read already).

        Returns (entry positions in ascending order, rows with the same message, rows with the
        same template); delta positions and rows follow the main segment's.
        """
        segments = [(state.main, state.alive if state.masked else None, 0, 0)]
        if state.delta is not None:
            segments.append((state.delta, None, state.n_main, state.main_rows))
        ids = state.vocab if known is None else known
        token_ids = sorted({ids[t] for t in query.tokens if t in ids})
        scored: list[tuple[float, int]] = []
        word_rows, masked_rows, extra = set[int](), set[int](), list[int]()
        for segment, alive, first, first_row in segments:
            allowed = _allowed(segment, alive, language)
            if segment.bm25 is not None and token_ids:
                found, scores = top_k_scored(segment.bm25, token_ids, k, allowed, state.idf)
                scored += [(-s, p + first) for s, p in zip(scores, found, strict=True)]
            words = _rows(segment.word_prints, segment.word_rows, query.word_fingerprints, k)
            masked = _rows(segment.masked_prints, segment.masked_rows, query.fingerprints, k)
            for row in sorted(words | masked):
                position = int(segment.row_entry[row])
                if allowed is None or allowed[position]:
                    extra.append(position + first)
            word_rows |= {r + first_row for r in words if _live(segment, alive, r)}
            masked_rows |= {r + first_row for r in masked if _live(segment, alive, r)}
        best = [p for _, p in sorted(scored)[:k]] if len(segments) > 1 else [p for _, p in scored]
        return sorted(set(best) | set(extra)), word_rows, masked_rows


def _settle() -> None:
    """Keep the cyclic garbage collector off a newly swapped-in index: a full collection over
    the heap of a large index paused searches for 100+ ms (its p99). The young generations are
    collected first, so only long-lived objects are frozen; a swapped-out index is still freed
    by reference counting (https://docs.python.org/3/library/gc.html#gc.freeze)."""
    gc.collect(1)
    gc.freeze()


def _live(segment: _State, alive: Any, row: int) -> bool:
    return alive is None or bool(alive[segment.row_entry[row]])


def _allowed(segment: _State, alive: Any, language: str | None) -> Any:
    """Which of a segment's entries a search may return (None: all)."""
    allowed = segment.languages.get(language.lower()) if language else None
    if language and allowed is None:
        allowed = segment.languages.get("")  # an unknown language: only agnostic entries
    if alive is not None:
        allowed = alive if allowed is None else allowed & alive
    return allowed


def _scores(segment: _State, scores: dict[str, float]) -> Any:
    """The outcome score of each of a segment's entries (its ids are sorted)."""
    outcome = np.zeros(len(segment.ids), dtype=np.float32)
    for entry_id, score in scores.items():
        at = bisect_left(segment.ids, entry_id)
        if at < len(segment.ids) and segment.ids[at] == entry_id:
            outcome[at] = score
    return outcome


def _rows(prints: Any, rows: Any, wanted: list[int], k: int) -> set[int]:
    found: set[int] = set()
    if prints is None or not wanted:
        return found
    unique = list(set(wanted))
    starts, size = prints.searchsorted(unique).tolist(), len(prints)
    for value, lo in zip(unique, starts, strict=True):
        if lo < size and prints[lo] == value:  # most fingerprints of a query are no template
            hi = int(prints.searchsorted(value, side="right"))
            found.update(rows[lo : min(hi, lo + k)].tolist())
    return found
