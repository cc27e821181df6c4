"""What a search reads: the main segment, a small delta segment of entries changed since it was
built, and the statistics of the two together; replaced whole, never changed in place.

A new or changed entry goes into the delta (rebuilt from its cached analyses: no symptom is
analysed twice); a retired or changed entry's old place in the main segment is masked out.
Token weights and BM25's idf come from the document frequencies of every live entry, so the
reranker scores exactly as a fresh build would; only the main segment's BM25 postings keep
the idf and mean length of their build (candidate selection, not scores; see `DRIFT`).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..models import IndexDocument
from .analyze import Analysed, analyse
from .bm25 import idf
from .build import Stats, _Builder, _State, token_weights, unknown_weight
from .score import Rows, ranges
from .warm import decoded, sorted_rows


class Vocabulary(Mapping[str, int]):
    """The main segment's token ids, then the delta's new tokens (the main dict is shared)."""

    def __init__(self, main: dict[str, int], extra: dict[str, int]) -> None:
        self.main, self.extra = main, extra

    def __getitem__(self, token: str) -> int:
        found = self.main.get(token)
        return self.extra[token] if found is None else found

    def __contains__(self, token: object) -> bool:
        return token in self.main or token in self.extra

    def __iter__(self) -> Any:
        yield from self.main
        yield from self.extra

    def __len__(self) -> int:
        return len(self.main) + len(self.extra)


@dataclass
class Snapshot:
    """One consistent view of the index; positions and rows of the delta follow the main's."""

    main: _State
    alive: Any  # np.ndarray[bool] per main position: False once retired or changed
    delta: _State | None = None
    cached: dict[str, tuple[IndexDocument, list[Analysed]]] = field(default_factory=dict)
    vocab: Mapping[str, int] = field(default_factory=dict)
    tokens_by_id: list[str] = field(default_factory=list)
    weights: Any = None
    idf: Any = None  # BM25 idf per token id, from every live entry
    unknown_weight: float = 0.0
    count: int = 0
    masked: int = 0  # main entries masked out
    revision: int | None = None
    outcome_revision: int | None = None
    # joined token texts by row id, for the fuzzy similarity (score.py); never copied
    row_words: dict[int, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    n_main: int = field(default=0, init=False)  # positions below this are the main segment's
    main_rows: int = field(default=0, init=False)  # ... and rows below this
    # the main segment's ids and row texts, decoded once when it is small (see `sorted_rows`)
    main_ids: Sequence[str] = field(default=(), init=False, repr=False, compare=False)
    main_texts: Sequence[str] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.n_main, self.main_rows = len(self.main.ids), len(self.main.row_specific)
        texts = sorted_rows(self.main)
        if texts:
            self.row_words.update(enumerate(texts))
        self.main_ids, self.main_texts = decoded(self.main)

    @classmethod
    def of(cls, main: _State) -> Snapshot:
        """A snapshot of a freshly built main segment, no delta."""
        return cls(
            main,
            np.ones(len(main.ids), dtype=bool),
            vocab=main.vocab,
            tokens_by_id=main.tokens_by_id,
            weights=main.weights,
            idf=main.idf,
            unknown_weight=main.unknown_weight,
            count=len(main.ids),
            revision=main.revision,
            outcome_revision=main.outcome_revision,
        )

    @property
    def ids(self) -> list[str]:
        """The ids of every live entry (main, then delta)."""
        live = [i for i, ok in zip(self.main.ids, self.alive.tolist(), strict=True) if ok]
        return [*live, *(self.delta.ids if self.delta else [])]

    @property
    def helper_peak_mb(self) -> float:
        """The main build's analysis helper peak RSS (0: none ran)."""
        return self.main.helper_peak_mb

    def _segment(self, position: int) -> tuple[_State, int]:
        n = self.n_main
        if position < n:
            return self.main, position
        assert self.delta is not None
        return self.delta, position - n

    def _row_segment(self, row: int) -> tuple[_State, int]:
        rows = self.main_rows
        if row < rows:
            return self.main, row
        assert self.delta is not None
        return self.delta, row - rows

    def entry_id(self, position: int) -> str:
        """The id of the entry at a position."""
        if position < self.n_main:
            return self.main_ids[position]
        segment, at = self._segment(position)
        return segment.ids[at]

    def outcome_of(self, position: int) -> float:
        """The outcome score of the entry at a position."""
        segment, at = self._segment(position)
        return float(segment.outcome[at])

    def outcomes(self, positions: list[int]) -> list[float]:
        """The outcome scores of the entries at these positions (`outcome_of` each)."""
        n = self.n_main
        if self.delta is None or all(p < n for p in positions):
            return list(self.main.outcome[positions].tolist())
        return [self.outcome_of(p) for p in positions]

    def row_text(self, row: int) -> str:
        """The symptom (or title) text of a row."""
        if row < self.main_rows:
            return self.main_texts[row]
        segment, at = self._row_segment(row)
        return segment.row_text(at)

    def gather(self, positions: list[int]) -> Rows:
        """Every row of the given entries (main positions first, as `candidates` orders them)."""
        n = self.n_main
        main = self.main.gather([p for p in positions if p < n])
        if self.delta is None or not any(p >= n for p in positions):
            return main
        delta = self.delta.gather([p - n for p in positions if p >= n])
        return _concat(main, delta, self.main_rows)

    def describe(self) -> dict[str, Any]:
        """Entry counts of both segments."""
        return {
            "entries": self.count,
            "delta_entries": len(self.cached),
            "masked_entries": self.masked,
        }


def _concat(a: Rows, b: Rows, row_offset: int) -> Rows:
    return Rows(
        np.concatenate([a.rows, b.rows + row_offset]),
        np.concatenate([a.first, b.first[1:] + a.first[-1]]),
        np.concatenate([a.tokens, b.tokens]),
        np.concatenate([a.token_row, b.token_row + len(a.rows)]),
        np.concatenate([a.token_first, b.token_first[1:] + a.token_first[-1]]),
        np.concatenate([a.specific, b.specific]),
        np.concatenate([a.is_title, b.is_title]),
        np.concatenate([a.generic, b.generic]),
    )


def main_position(main: _State, entry_id: str, alive: Any) -> int | None:
    """The live main position of an entry (main ids are sorted: the build reads them by id)."""
    at = bisect_left(main.ids, entry_id)
    if at < len(main.ids) and main.ids[at] == entry_id and alive[at]:
        return at
    return None


def _entry_tokens(main: _State, positions: Any) -> Any:
    """Per token id, how many of the given main entries have it (each counted once)."""
    rows = ranges(main.row_start[positions], main.row_start[positions + 1])
    lengths = main.token_start[rows + 1] - main.token_start[rows]
    tokens = main.row_tokens[ranges(main.token_start[rows], main.token_start[rows + 1])]
    owner = np.repeat(main.row_entry[rows].astype(np.int64), lengths)
    keys = np.unique(owner * len(main.tokens_by_id) + tokens)
    return np.bincount(keys % len(main.tokens_by_id), minlength=len(main.tokens_by_id))


def apply_changes(
    snapshot: Snapshot, docs: list[IndexDocument], retired: list[str], revision: int
) -> Snapshot:
    """A new snapshot with changed entries in the delta and retired ones gone."""
    main = snapshot.main
    alive = snapshot.alive.copy()
    cached = dict(snapshot.cached)
    for entry_id in [*(d.id for d in docs), *retired]:
        cached.pop(entry_id, None)
        at = main_position(main, entry_id, alive)
        if at is not None:
            alive[at] = False
    analysed = analyse([s for doc in docs for s in doc.symptoms])
    start = 0
    for doc in docs:
        cached[doc.id] = (doc, analysed[start : start + len(doc.symptoms)])
        start += len(doc.symptoms)
    return _rebuild_delta(snapshot, alive, dict(sorted(cached.items())), revision)


def _rebuild_delta(
    snapshot: Snapshot,
    alive: Any,
    cached: dict[str, tuple[IndexDocument, list[Analysed]]],
    revision: int,
) -> Snapshot:
    main = snapshot.main
    dead = np.flatnonzero(~alive)
    main_df = main.df - (_entry_tokens(main, dead) if dead.size else 0)
    count = int(alive.sum()) + len(cached)
    lengths = int(main.doc_lengths[alive].sum())
    delta_state = _State(revision=revision)
    builder = _Builder(delta_state)
    lines = iter([line for _, analysed in cached.values() for line in analysed])
    for position, (doc, _) in enumerate(cached.values()):
        builder.add(position, doc, lines.__next__)
    delta_df, delta_lengths = _delta_counts(builder, main.vocab)
    df = np.concatenate([main_df, np.zeros(len(delta_df) - len(main_df), dtype=np.int64)])
    df += delta_df
    mean = (lengths + delta_lengths) / max(count, 1)
    builder.finish(
        [doc.outcome_score for doc, _ in cached.values()], Stats(main.vocab, df, count, mean)
    )
    extra = delta_state.vocab
    generic = np.concatenate([main.generic, delta_state.generic])
    return dataclasses.replace(
        snapshot,
        alive=alive,
        delta=delta_state if cached else None,
        cached=cached,
        vocab=Vocabulary(main.vocab, extra) if extra else main.vocab,
        tokens_by_id=main.tokens_by_id + list(extra) if extra else main.tokens_by_id,
        weights=token_weights(df, count, generic),
        idf=idf(df, count),
        unknown_weight=unknown_weight(count),
        count=count,
        masked=int(len(alive) - alive.sum()),
        revision=revision,
    )


def _delta_counts(builder: _Builder, vocab: dict[str, int]) -> tuple[Any, int]:
    """Per token id (main vocabulary, then the delta's new tokens in first-seen order), how many
    delta entries have it; and the delta's total BM25 length."""
    new = (token for token in dict.fromkeys(builder.doc_tokens) if token not in vocab)
    ids = {token: len(vocab) + i for i, token in enumerate(new)}
    counts: dict[int, int] = {}
    start = 0
    for end in builder.doc_ends:
        for token in set(builder.doc_tokens[start:end]):
            i = vocab.get(token)
            i = ids[token] if i is None else i
            counts[i] = counts.get(i, 0) + 1
        start = end
    df = np.zeros(len(vocab) + len(ids), dtype=np.int64)
    if counts:
        df[np.fromiter(counts, np.int64)] = np.fromiter(counts.values(), np.int64)
    return df, len(builder.doc_tokens)


DRIFT = 0.02  # merge (rebuild) once the delta or masked entries pass this share of the main
