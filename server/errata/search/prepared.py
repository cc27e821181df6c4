"""A normalized query as the reranker needs it: its tokens as the index's ids, per key line,
its exception types, errnos, and a sentence's own words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .mask import GENERIC_TYPES, Surfaces
from .normalize import Normalized
from .score import QueryArrays, union_flags
from .snapshot import Snapshot as _State

MAX_FUZZ_LINES = 4
SURFACE_MAX_CHARS = 400  # longer "sentences" are pastes: their wording is not a paraphrase


@dataclass
class Prepared:
    """The query's parts that some entry knows, and what `why` shows of its own words."""

    ids: frozenset[int]  # the query's tokens that some entry has
    lines: list[tuple[frozenset[int], float, str]]  # per key line: known ids, unknown weight, text
    types: frozenset[str]
    is_sentence: bool
    word_rows: set[int]
    masked_rows: set[int]
    type_ids: frozenset[int]  # tokens of the query's exception type names
    surface_text: str  # a sentence's own words, masked and lowercased ("" for a trace)
    text: str  # the normalized query's text
    type_names: dict[str, str]  # lowercased exception type -> as the query wrote it
    frame_ids: np.ndarray  # the query's frame words that some entry has
    all_ids: np.ndarray  # every query word that some entry has
    errnos: frozenset[str]
    parser_stops: frozenset[str] = frozenset()  # where a JSON parser stopped ('<', 'u')
    shows_markup: bool = False  # an HTML body shows where JSON was parsed
    generic_message: bool = False  # every key line is a message several causes print
    unknown: float = 0.0  # the weight of the query's words that no entry has

    by_weight: list[int] | None = field(default=None, repr=False, compare=False)
    type_name_ids: frozenset[int] | None = field(default=None, repr=False, compare=False)

    def type_ids_of(self, vocab: Mapping[str, int]) -> frozenset[int]:
        """The ids of the query's (non-generic) exception type names as whole tokens."""
        if self.type_name_ids is None:
            self.type_name_ids = frozenset(vocab[t] for t in self.types if t in vocab)
        return self.type_name_ids

    def ids_by_weight(self, weights: Any, tokens_by_id: Sequence[str]) -> list[int]:
        """The query's known ids, heaviest first (ties by token), sorted once per search."""
        if self.by_weight is None:
            ids = list(self.ids)
            heavy = (-w for w in weights[ids].tolist())  # floats: read once, not per compare
            by = sorted(zip(heavy, [tokens_by_id[i] for i in ids], ids, strict=True))
            self.by_weight = [i for *_, i in by]
        return self.by_weight

    @cached_property
    def surfaces(self) -> Surfaces:
        """Token -> the query's own word for it, for `why` (read only for the results shown)."""
        return Surfaces(self.text)

    def arrays(self, state: _State) -> QueryArrays:
        """The query as bulk scoring needs it."""
        weights = state.weights
        lines = [
            (known, float(sum(weights[list(known)].tolist())), unknown, text)
            for known, unknown, text in self.lines
        ]
        vocab = state.vocab
        type_names = self.type_ids_of(vocab)
        sets = [self.ids, self.type_ids, type_names, *(known for known, *_ in self.lines)]
        union, flags = union_flags(sets)  # the sets as they are: scoring reads only these
        return QueryArrays(
            self.all_ids, self.type_ids, type_names, lines, self.is_sentence,
            self.word_rows, self.masked_rows, union, flags,
        )  # fmt: skip


def _ids(ids: frozenset[int]) -> np.ndarray:
    return np.array(sorted(ids), dtype=np.int32)


def known_ids(vocab: Mapping[str, int], query: Normalized) -> dict[str, int]:
    """The query's tokens (all of them, its lines', types' and frames') that the vocabulary
    has, with their ids: one look-up in the whole vocabulary per distinct token, then only in
    this small dict."""
    every = set(query.tokens).union(query.type_tokens, query.frame_tokens, *query.line_tokens)
    return {t: vocab[t] for t in every if t in vocab}


def prepare(
    state: _State,
    query: Normalized,
    word: set[int],
    masked: set[int],
    known: Mapping[str, int] | None = None,
) -> Prepared:
    """The query's parts as the index's token ids (`word`/`masked`: rows whose message template
    the query has, with or without the same type names; `known`: `known_ids` of the query)."""
    vocab = known_ids(state.vocab, query) if known is None else known
    lines: list[tuple[frozenset[int], float, str]] = []
    for tokens in (query.line_tokens or [query.tokens])[:MAX_FUZZ_LINES]:
        line_ids = frozenset(vocab[t] for t in tokens if t in vocab)
        unknown = float(sum(state.unknown_weight for t in set(tokens) if t not in vocab))
        lines.append((line_ids, unknown, " ".join(dict.fromkeys(tokens))))
    is_sentence = not query.key_lines and not query.frames
    ids = frozenset(vocab[t] for t in query.tokens if t in vocab)
    return Prepared(
        ids=ids,
        lines=lines or [(frozenset(), 0.0, "")],
        types=frozenset(t.lower() for t in query.exception_types) - GENERIC_TYPES,
        is_sentence=is_sentence,
        word_rows=word,
        masked_rows=masked,
        type_ids=frozenset(vocab[t] for t in query.type_tokens if t in vocab),
        surface_text=query.text.lower() if is_sentence and _short(query.text) else "",
        text=query.text,
        type_names={t.lower(): t for t in reversed(query.exception_types)},
        frame_ids=_ids(frozenset(vocab[t] for t in query.frame_tokens if t in vocab)),
        errnos=query.errnos,
        parser_stops=query.parser_stops,
        shows_markup=query.shows_markup,
        generic_message=query.generic_message,
        unknown=state.unknown_weight * len({t for t in query.tokens if t not in vocab}),
        all_ids=_ids(ids),
    )


def _short(text: str) -> bool:
    """A sentence someone wrote, not a long paste that no trace format recognised."""
    return len(text) <= SURFACE_MAX_CHARS and text.count("\n") < 2
