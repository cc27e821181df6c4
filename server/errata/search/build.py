"""One segment of the search index, built in one go: BM25 over each entry's symptoms, its rows'
token ids, fingerprints and language masks, as flat arrays.

A full build makes the main segment; the same builder makes the small delta segment of entries
changed since (`snapshot.py`), with token ids from the main segment's vocabulary plus new ones.
"""

from __future__ import annotations

import math
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..models import IndexDocument
from .analyze import Analysed, Analysis
from .bm25 import bm25_matrix, idf
from .evidence import is_generic
from .mask import GENERIC_TOKENS, is_specific, mask, tokenize
from .score import Rows, ranges
from .strings import Strings

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
    ids: Sequence[str] = field(default_factory=list)  # sorted (a full build reads them by id)
    texts: Sequence[str] = field(default_factory=list)  # per row: the symptom or title text
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
    row_generic: Any = field(default_factory=list)  # per row: a message several causes print
    doc_lengths: Any = None  # np.ndarray[int64]: tokens per entry (BM25 length)
    generic: Any = None  # np.ndarray[bool] per token id of `vocab`
    df: Any = None  # np.ndarray[int64] per token id: entries that have it (main segment)
    # each row's token texts sorted and joined (score.py), for a small main (snapshot.py)
    sorted_rows: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    # its ids and row texts as snapshot.decoded reads them (once per segment)
    decoded: tuple[Sequence[str], Sequence[str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    idf: Any = None  # np.ndarray[float64] per token id: BM25 idf of this build
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
        first = np.zeros(len(at) + 1, dtype=np.int64)
        (ends - starts).cumsum(out=first[1:])
        lengths = token_start[rows + 1] - token_start[rows]
        # an entry's rows are consecutive, and so are their tokens: one range per entry
        tokens = self.row_tokens[ranges(token_start[starts], token_start[ends])]
        token_row = np.arange(len(rows), dtype=np.int64).repeat(lengths)
        token_first = np.zeros(len(rows) + 1, dtype=np.int64)
        lengths.cumsum(out=token_first[1:])
        specific, generic = self.row_specific[rows], self.row_generic[rows]
        is_title = np.zeros(len(rows), dtype=bool)
        is_title[first[1:][ends > starts] - 1] = True
        return Rows(rows, first, tokens, token_row, token_first, specific, is_title, generic)

    def row_text(self, row: int) -> str:
        """The symptom (or title) text of a row."""
        return self.texts[row]

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
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.doc_tokens: list[str] = []  # every entry's tokens, duplicates kept (bm25 counts)
        self.doc_ends = array("q")  # per entry, the end of its tokens in doc_tokens
        self.row_tokens: list[str] = []  # every row's distinct tokens, in order
        self.row_ends = array("q")  # per row, the end of its tokens in row_tokens
        self.row_entry = array("i")
        self.masked = _Prints()
        self.word = _Prints()
        self.lang_rows: dict[str, list[int]] = {}

    def _row(
        self, position: int, tokens: tuple[str, ...] | list[str], specific: bool, text: str
    ) -> None:
        self.state.row_generic.append(is_generic(text))
        self.doc_tokens.extend(tokens)
        self.row_tokens.extend(dict.fromkeys(tokens))
        self.row_ends.append(len(self.row_tokens))
        self.state.row_specific.append(specific)
        self.row_entry.append(position)

    def add(self, position: int, doc: IndexDocument, next_line: Callable[[], Analysed]) -> None:
        """One entry, its symptoms already analysed (`next_line` hands them out in order)."""
        state = self.state
        self.ids.append(doc.id)
        self.texts += [*doc.symptoms, doc.title]
        before = len(self.doc_tokens)
        for symptom in doc.symptoms:
            tokens, specific, prints, word_prints = next_line()
            row = len(state.row_specific)
            self._row(position, tokens, specific, symptom)
            self.masked.add(prints, row)
            self.word.add(word_prints, row)
        title = tokenize(mask(doc.title, keep_quoted_words=True))
        self._row(position, title, is_specific(title), doc.title)
        state.row_start.append(len(state.row_specific))
        if len(self.doc_tokens) == before:
            self.doc_tokens.append("")  # bm25 needs a token per document
        self.doc_ends.append(len(self.doc_tokens))
        for lang in {lang.lower() for lang in doc.languages} or {""}:
            self.lang_rows.setdefault(lang, []).append(position)

    def _ids(self, base: dict[str, int] | None) -> tuple[Any, Any]:
        """Token ids (int32 arrays) of every entry's tokens and of every row's; with a base
        vocabulary, tokens it lacks get ids after its own (`state.vocab` holds only those)."""
        state = self.state
        fresh = dict.fromkeys(self.doc_tokens)
        if base is None:
            state.vocab = {token: i for i, token in enumerate(fresh)}
            lookup = state.vocab.__getitem__
        else:
            new = (token for token in fresh if token not in base)
            state.vocab = {token: len(base) + i for i, token in enumerate(new)}
            extra = state.vocab

            def lookup(token: str) -> int:
                found = base.get(token)
                return extra[token] if found is None else found

        doc_ids = np.fromiter(map(lookup, self.doc_tokens), np.int32, count=len(self.doc_tokens))
        rows = np.fromiter(map(lookup, self.row_tokens), dtype=np.int32, count=len(self.row_tokens))
        state.token_start = [0, *self.row_ends]
        self.doc_tokens, self.row_tokens = [], []
        return doc_ids, rows

    def finish(self, outcome: list[float], stats: Stats | None = None) -> None:
        """Build the arrays; `stats` (a delta segment) gives the vocabulary and BM25 statistics
        of the whole index, which the segment's own would not match."""
        state, count = self.state, len(self.ids)
        state.ids, state.texts = Strings.pack(self.ids), Strings.pack(self.texts)
        self.ids, self.texts = [], []
        doc_ids, state.row_tokens = self._ids(stats.vocab if stats else None)
        state.doc_lengths = np.diff(np.asarray(self.doc_ends, dtype=np.int64), prepend=0)
        state.outcome = np.asarray(outcome, dtype=np.float32)
        state.row_entry = np.frombuffer(self.row_entry, dtype=np.int32)
        state.row_start = np.asarray(state.row_start, dtype=np.int64)
        state.token_start = np.asarray(state.token_start, dtype=np.int64)
        state.row_specific = np.asarray(state.row_specific, dtype=bool)
        state.row_generic = np.asarray(state.row_generic, dtype=bool)
        state.masked_prints, state.masked_rows = self.masked.sorted()
        state.word_prints, state.word_rows = self.word.sorted()
        state.tokens_by_id = list(state.vocab)
        state.generic = np.asarray([t in GENERIC_TOKENS for t in state.tokens_by_id], dtype=bool)
        if stats is not None:
            state.bm25 = stats.matrix(doc_ids, self.doc_ends) if count else None
        elif count:
            state.bm25 = bm25_matrix(doc_ids, self.doc_ends, len(state.vocab))
            del doc_ids
            state.df = np.diff(state.bm25["indptr"])
            state.weights = token_weights(state.df, count, state.generic)
            state.idf = idf(state.df, count)
        else:
            state.df = np.zeros(len(state.vocab), dtype=np.int64)
        state.unknown_weight = unknown_weight(count)
        self._languages(count)

    def _languages(self, count: int) -> None:
        state = self.state
        agnostic = self.lang_rows.get("", [])
        state.languages[""] = np.zeros(count, dtype=bool)
        state.languages[""][agnostic] = True
        for lang, rows in self.lang_rows.items():
            if lang:
                allowed = np.zeros(count, dtype=bool)
                allowed[rows + agnostic] = True
                state.languages[lang] = allowed


def token_weights(df: Any, count: int, generic: Any) -> Any:
    """Per token: smoothed idf (as float32, then float64), generic tokens weigh less."""
    n = count + IDF_PRIOR_DOCS
    df32 = np.asarray(df).astype(np.float32)
    idf = np.log(1.0 + (n - df32 + 0.5) / (df32 + 0.5))
    return np.where(generic, idf * GENERIC_WEIGHT, idf).astype(np.float64)


def unknown_weight(count: int) -> float:
    """The weight of a query token no entry has."""
    n = count + IDF_PRIOR_DOCS
    return math.log(1.0 + (n + 0.5) / 0.5)


@dataclass
class Stats:
    """The whole index's vocabulary and BM25 statistics, for building a delta segment."""

    vocab: dict[str, int]
    df: Any  # per token id, entries that have it (the delta's own included)
    count: int  # entries in the whole index
    mean_length: float

    def matrix(self, doc_ids: Any, doc_ends: Any) -> dict[str, Any]:
        """The delta's BM25 postings, scored with the whole index's idf and mean length."""
        return bm25_matrix(doc_ids, doc_ends, len(self.df), self.mean_length)


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
