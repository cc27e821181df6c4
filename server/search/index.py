"""The in-memory search index: BM25 over each entry's symptoms, rebuilt when entries change.

One index per process, built from `store.index_documents`. `refresh_if_changed` costs one
small query when nothing changed; a rebuild reads the documents in one short session and
builds outside it, then swaps the new state in whole, so searches never see half an index.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import store
from ..db import Database
from ..models import IndexDocument
from .analyze import Analysed, Analysis
from .bm25 import bm25_matrix, top_k
from .mask import GENERIC_TOKENS, is_specific, mask, tokenize
from .normalize import Normalized
from .score import Rows, ranges

# Pseudo-documents in which every token is assumed absent: keeps idf flat on a small base
# (a few dozen entries say little about which words are rare) and lets it speak at scale.
IDF_PRIOR_DOCS = 50
GENERIC_WEIGHT = 0.3


@dataclass
class _State:
    """Everything one build produces; replaced whole on refresh.

    Each entry has rows: one per symptom, then its title. A row keeps only its token ids (flat
    int32 arrays), so the reranker never re-analyses text and 100k entries stay small.
    """

    revision: int | None = None
    outcome_revision: int | None = None
    ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    symptoms: list[tuple[str, ...]] = field(default_factory=list)
    outcome: Any = None  # np.ndarray[float32], one per entry
    bm25: dict[str, Any] | None = None  # see bm25.bm25_matrix
    vocab: dict[str, int] = field(default_factory=dict)
    tokens_by_id: list[str] = field(default_factory=list)
    weights: Any = field(default_factory=lambda: np.zeros(0))  # per token id: smoothed idf
    unknown_weight: float = 1.0  # a query token no entry has
    row_start: Any = field(default_factory=lambda: [0])  # per entry, into rows
    token_start: Any = field(default_factory=lambda: [0])  # per row, into row_tokens
    row_tokens: Any = None  # np.ndarray[int32]
    row_specific: Any = field(default_factory=list)
    masked_prints: Any = None  # sorted np.ndarray[int64] of templates (values masked) ...
    masked_rows: Any = None  # ... and the row each belongs to
    word_prints: Any = None  # the same with quoted type names kept
    word_rows: Any = None
    row_entry: Any = None  # np.ndarray[int32]: the entry of each row
    languages: dict[str, Any] = field(default_factory=dict)  # lang -> np.ndarray[bool]
    built_seconds: float = 0.0
    helper_peak_mb: float = 0.0  # the analysis helper process's peak RSS (0: none ran)

    def gather(self, positions: list[int]) -> Rows:
        """Every row of the given entries, flat, for bulk scoring."""
        row_start, token_start = self.row_start, self.token_start
        at = np.asarray(positions, dtype=np.int64)
        starts, ends = row_start[at], row_start[at + 1]
        rows = ranges(starts, ends)
        first = np.concatenate([[0], np.cumsum(ends - starts)])
        lengths = token_start[rows + 1] - token_start[rows]
        tokens = self.row_tokens[ranges(token_start[rows], token_start[rows + 1])]
        token_row = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        token_first = np.concatenate([[0], np.cumsum(lengths)])
        specific = self.row_specific[rows]
        is_title = np.zeros(len(rows), dtype=bool)
        is_title[first[1:][ends > starts] - 1] = True
        return Rows(rows, first, tokens, token_row, token_first, specific, is_title)

    def row_text(self, row: int) -> str:
        """The symptom (or title) text of a row."""
        position = int(self.row_entry[row])
        symptoms = (*self.symptoms[position], self.titles[position])
        return symptoms[row - int(self.row_start[position])]

    def entry_id(self, position: int) -> str:
        """The id of the entry at a position."""
        return self.ids[position]

    def outcome_of(self, position: int) -> float:
        """The outcome score of the entry at a position."""
        return float(self.outcome[position])


class _Prints:
    """Fingerprints and their rows in two flat arrays (not a list of tuples: 100k entries)."""

    def __init__(self) -> None:
        self.prints = array("q")
        self.rows = array("i")

    def add(self, prints: tuple[int, ...], row: int) -> None:
        self.prints.extend(prints)
        self.rows.extend([row] * len(prints))

    def sorted(self) -> tuple[Any, Any]:
        prints = np.frombuffer(self.prints, dtype=np.int64)
        order = np.argsort(prints, kind="stable")
        return prints[order], np.frombuffer(self.rows, dtype=np.int32)[order]


class _Builder:
    """Accumulates rows one entry at a time as flat token strings; `finish` maps every token to
    its id in one pass (a C-level dict lookup per token) and builds the arrays at once."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.doc_tokens: list[str] = []  # every entry's tokens, duplicates kept (bm25 counts)
        self.doc_ends = array("q")  # per entry, the end of its tokens in doc_tokens
        self.row_tokens: list[str] = []  # every row's distinct tokens, in order
        self.row_ends = array("q")  # per row, the end of its tokens in row_tokens
        self.row_entry = array("i")
        self.masked = _Prints()
        self.word = _Prints()
        self.lang_rows: dict[str, list[int]] = {}

    def _row(self, position: int, tokens: tuple[str, ...] | list[str], specific: bool) -> None:
        self.doc_tokens.extend(tokens)
        self.row_tokens.extend(dict.fromkeys(tokens))
        self.row_ends.append(len(self.row_tokens))
        self.state.row_specific.append(specific)
        self.row_entry.append(position)

    def add(self, position: int, doc: IndexDocument, next_line: Callable[[], Analysed]) -> None:
        """One entry, its symptoms already analysed (`next_line` hands them out in order)."""
        state = self.state
        state.ids.append(doc.id)
        state.titles.append(doc.title)
        state.symptoms.append(tuple(doc.symptoms))
        before = len(self.doc_tokens)
        for _ in doc.symptoms:
            tokens, specific, prints, word_prints = next_line()
            row = len(state.row_specific)
            self._row(position, tokens, specific)
            self.masked.add(prints, row)
            self.word.add(word_prints, row)
        title = tokenize(mask(doc.title, keep_quoted_words=True))
        self._row(position, title, is_specific(title))
        state.row_start.append(len(state.row_specific))
        if len(self.doc_tokens) == before:
            self.doc_tokens.append("")  # bm25 needs a token per document
        self.doc_ends.append(len(self.doc_tokens))
        for lang in {lang.lower() for lang in doc.languages} or {""}:
            self.lang_rows.setdefault(lang, []).append(position)

    def _ids(self) -> tuple[Any, Any]:
        """Token ids (int32 arrays) of every entry's tokens and of every row's."""
        state = self.state
        state.vocab = {token: i for i, token in enumerate(dict.fromkeys(self.doc_tokens))}
        lookup = state.vocab.__getitem__
        doc_ids = np.fromiter(map(lookup, self.doc_tokens), np.int32, count=len(self.doc_tokens))
        rows = np.fromiter(map(lookup, self.row_tokens), dtype=np.int32, count=len(self.row_tokens))
        state.token_start = [0, *self.row_ends]
        self.doc_tokens, self.row_tokens = [], []
        return doc_ids, rows

    def finish(self, outcome: list[float]) -> None:
        state, count = self.state, len(self.state.ids)
        doc_ids, state.row_tokens = self._ids()
        state.outcome = np.asarray(outcome, dtype=np.float32)
        state.row_entry = np.frombuffer(self.row_entry, dtype=np.int32)
        state.row_start = np.asarray(state.row_start, dtype=np.int64)
        state.token_start = np.asarray(state.token_start, dtype=np.int64)
        state.row_specific = np.asarray(state.row_specific, dtype=bool)
        state.masked_prints, state.masked_rows = self.masked.sorted()
        state.word_prints, state.word_rows = self.word.sorted()
        state.tokens_by_id = list(state.vocab)
        n = count + IDF_PRIOR_DOCS
        state.unknown_weight = math.log(1.0 + (n + 0.5) / 0.5)
        if count:
            state.bm25 = bm25_matrix(doc_ids, self.doc_ends, len(state.vocab))
            del doc_ids
            df = np.diff(state.bm25["indptr"]).astype(np.float32)
            idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
            generic = np.asarray([t in GENERIC_TOKENS for t in state.tokens_by_id], dtype=bool)
            state.weights = np.where(generic, idf * GENERIC_WEIGHT, idf).astype(np.float64)
        agnostic = self.lang_rows.get("", [])
        state.languages[""] = np.zeros(count, dtype=bool)
        state.languages[""][agnostic] = True
        for lang, rows in self.lang_rows.items():
            if lang:
                allowed = np.zeros(count, dtype=bool)
                allowed[rows + agnostic] = True
                state.languages[lang] = allowed


def build_state(docs: Iterable[IndexDocument], revision: int | None) -> _State:
    """Build a whole index state: analyse every symptom (two processes for a large base),
    then add the entries in order."""
    started = time.perf_counter()
    docs = list(docs)
    lines = Analysis([symptom for doc in docs for symptom in doc.symptoms])
    state = _State(revision=revision)
    builder = _Builder(state)
    for position, doc in enumerate(docs):
        builder.add(position, doc, lines.next)
    builder.finish([doc.outcome_score for doc in docs])
    state.built_seconds = time.perf_counter() - started
    state.helper_peak_mb = lines.helper_peak_mb
    return state


class SearchIndex:
    """The in-memory index of every active entry, refreshed when the revision moves."""

    def __init__(self) -> None:
        self._state = _State()
        self._build_lock = threading.Lock()
        self._last_check = 0.0

    @classmethod
    def build(cls, database: Database) -> SearchIndex:
        """An index of the database's active entries."""
        index = cls()
        index.rebuild(database)
        return index

    @classmethod
    def from_documents(
        cls, docs: Iterable[IndexDocument], revision: int | None = None
    ) -> SearchIndex:
        """An index of given documents (benchmarks build from generated entries)."""
        index = cls()
        index._state = build_state(docs, revision)
        return index

    @property
    def state(self) -> _State:
        """The current state; read it once per search so a swap never splits a query."""
        return self._state

    def rebuild(self, database: Database) -> None:
        """Read every document in one short session, then build outside it and swap."""
        with self._build_lock:
            with database.read() as session:
                revision, outcome_revision = store.get_revisions(session=session)
                docs = store.index_documents(session=session)
            state = build_state(docs, revision)
            state.outcome_revision = outcome_revision
            self._state = state

    def reload_outcomes(self, database: Database) -> None:
        """Only outcome reports changed: re-read the scores (one grouped query) and swap."""
        with self._build_lock:
            with database.read() as session:
                _, outcome_revision = store.get_revisions(session=session)
                scores = store.outcome_scores(session=session)
            state = self._state
            outcome = np.asarray([scores.get(i, 0.0) for i in state.ids], dtype=np.float32)
            self._state = dataclasses.replace(
                state, outcome=outcome, outcome_revision=outcome_revision
            )

    def refresh_if_changed(self, database: Database) -> bool:
        """Rebuild when entries changed, reload scores when only reports did; else one query."""
        with database.read() as session:
            revision, outcome_revision = store.get_revisions(session=session)
        self._last_check = time.time()
        if revision != self._state.revision:
            self.rebuild(database)
            return True
        if outcome_revision != self._state.outcome_revision:
            self.reload_outcomes(database)
            return True
        return False

    def describe(self) -> dict[str, Any]:
        """Revision, entry count and build time, for `/api/health`."""
        state = self._state
        return {
            "revision": state.revision,
            "entries": len(state.ids),
            "built_seconds": round(state.built_seconds, 3),
        }

    def candidates(
        self, state: _State, query: Normalized, k: int, language: str | None
    ) -> tuple[list[int], set[int], set[int]]:
        """The best bm25 entries plus those sharing a fingerprint, and the rows that share one.

        Returns (entry positions, rows with the same message, rows with the same template).
        """
        if state.bm25 is None:
            return [], set(), set()
        allowed = state.languages.get(language.lower()) if language else None
        if language and allowed is None:
            allowed = state.languages[""]  # an unknown language: only language-agnostic entries
        token_ids = sorted({state.vocab[t] for t in query.tokens if t in state.vocab})
        found: list[int] = top_k(state.bm25, token_ids, k, allowed) if token_ids else []
        word_rows = _rows(state.word_prints, state.word_rows, query.word_fingerprints, k)
        masked_rows = _rows(state.masked_prints, state.masked_rows, query.fingerprints, k)
        for row in sorted(word_rows | masked_rows):
            position = int(state.row_entry[row])
            if position not in found and (allowed is None or allowed[position]):
                found.append(position)
        return found, word_rows, masked_rows


def _rows(prints: Any, rows: Any, wanted: list[int], k: int) -> set[int]:
    found: set[int] = set()
    for print_ in set(wanted):
        lo, hi = np.searchsorted(prints, [print_, print_ + 1])
        found.update(rows[lo : min(hi, lo + k)].tolist())
    return found
