"""Score every candidate symptom row of a query at once: numpy over the rows' token ids,
rapidfuzz's `process.cdist` over the batch of row texts.

The formulas are `rank`'s (coverage of the symptom and of the query's error lines, fuzzy
similarity, vague/template/type adjustments); this module only computes them in bulk. Rows that
share no token with the query score 0 and never reach the fuzzy similarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

SENTENCE_QUERY_EXPONENT = 0.65  # a sentence paraphrases part of a symptom: weigh what it says
W_COVERAGE, W_FUZZ = 0.8, 0.2
TYPE_LIFT = 0.25
TEMPLATE_SCORE = 0.97
TEMPLATE_PENALTY = 0.15
VAGUE_FACTOR = 0.6  # a symptom with fewer than three telling words proves little alone
TITLE_FACTOR = 0.9  # a title is a summary, weaker evidence than a symptom
MAX_CACHED_ROWS = 200_000  # sorted row texts kept per snapshot (about 20 MB at most)


@dataclass
class Rows:
    """The rows of some candidate entries, flat: rows of candidate i are first[i]:first[i+1]."""

    rows: Any  # np.ndarray[int64]: global row ids
    first: Any  # np.ndarray[int64], one more than there are candidates
    tokens: Any  # np.ndarray[int32]: every row's distinct token ids, row after row
    token_row: Any  # np.ndarray[int64]: for each token, its row's index in `rows`
    token_first: Any  # np.ndarray[int64]: row i's tokens are token_first[i]:token_first[i+1]
    specific: Any  # np.ndarray[bool] per row
    is_title: Any  # np.ndarray[bool] per row: the last row of each candidate
    generic: Any  # np.ndarray[bool] per row: a message several causes print (evidence.py)


# a sorted union of token ids; per token, its place in it (clipped) and whether it is there
Places = tuple[Any, Any, Any]


@dataclass
class QueryArrays:
    """A prepared query as the arrays bulk scoring needs. Its id sets (arrays or Python
    sets) are read only for their union and flags, when those are not given."""

    ids: Any  # query token ids that some entry has
    type_ids: Any  # tokens of the query's exception type names
    type_names: Any  # ids of the query's (non-generic) exception types as whole tokens
    lines: list[tuple[Any, float, float, str]]  # per key line: ids, their weight, unknown, text
    is_sentence: bool
    word_rows: set[int]
    masked_rows: set[int]

    union: Any = None  # every id of the sets above, sorted (np.ndarray[int32]) ...
    flags: Any = None  # ... and which set has each: ids, type_ids, type_names, then lines

    def __post_init__(self) -> None:
        if self.union is None:
            sets = [self.ids, self.type_ids, self.type_names, *(ids for ids, *_ in self.lines)]
            self.union, self.flags = union_flags([{int(i) for i in ids} for ids in sets])

    def places(self, tokens: Any) -> Places | None:
        """Where each token is in the sets' union, by one binary search (None: no union)."""
        union = self.union
        if not len(union):
            return None
        at = np.minimum(union.searchsorted(tokens), len(union) - 1)
        return union, at, union[at] == tokens

    def hits(self, places: Places | None) -> tuple[Any, Any]:
        """The tokens (`places` of them) in some of ids, type_ids, type_names and each line's
        ids: their places (ascending) and, one row per set, which of them it holds (most of a
        row's tokens are in none)."""
        if places is None:
            return np.zeros(0, dtype=np.int64), np.zeros((len(self.flags), 0), dtype=bool)
        _, at, hit = places
        found = hit.nonzero()[0]
        return found, self.flags[:, at[found]]


def union_flags(sets: list[Any]) -> tuple[Any, Any]:
    """The sorted union of some small sets of ids, and per set which of them it holds (plain
    Python: numpy's calls cost more than the work on a query's few ids)."""
    union = sorted(set().union(*sets))
    flags = bytes([i in ids for ids in sets for i in union])  # a bool is a byte of 0 or 1
    shape = (len(sets), len(union))
    return np.array(union, dtype=np.int32), np.frombuffer(flags, dtype=bool).reshape(shape)


@dataclass
class Scored:
    """Per row (aligned with Rows.rows): its score and the parts `rank` reports."""

    score: Any
    message_cover: Any
    query_cover: Any
    symptom_cover: Any
    places: Places | None = None  # the rows' tokens in the query's union (known.py reads it)


def ranges(starts: Any, ends: Any, lengths: Any = None) -> Any:
    """Every index of the half-open ranges [starts[i], ends[i]) end to end (int64);
    `lengths`: ends - starts, if computed already."""
    lengths = ends - starts if lengths is None else lengths
    total = int(np.add.reduce(lengths))
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = (starts - (lengths.cumsum() - lengths)).repeat(lengths)
    return np.arange(total, dtype=np.int64) + shift


def _sums(rows: Rows, values: Any) -> Any:
    return np.bincount(rows.token_row, weights=values, minlength=len(rows.rows))


def _ratio(top: Any, bottom: Any, empty: float) -> Any:
    """top / bottom where bottom is not 0, else `empty` (Python's `x / y if y else e`)."""
    return np.divide(top, bottom, out=np.full(len(bottom), empty), where=bottom != 0)


def _similarity(
    rows: Rows, tokens_by_id: list[str], lines: list[str], keep: Any, cache: dict[int, str]
) -> Any:
    """Best token_sort_ratio of any query line against each kept row's tokens (0..1). That
    ratio is `fuzz.ratio` of the two texts with their words sorted; each row's sorted text is
    joined once per snapshot (`cache`, by global row id), so only the query's lines are sorted
    per search (https://rapidfuzz.github.io/RapidFuzz/Usage/fuzz.html#token-sort-ratio)."""
    similarity = np.zeros(len(rows.rows), dtype=np.float64)
    kept = keep.nonzero()[0]
    if not kept.size:
        return similarity
    if len(cache) > MAX_CACHED_ROWS:
        cache.clear()
    kept_rows = rows.rows[kept].tolist()
    texts = list(map(cache.get, kept_rows))
    if None in texts:
        tokens, word = rows.tokens.tolist(), tokens_by_id.__getitem__
        first = rows.token_first.tolist()
        for at, (j, row) in enumerate(zip(kept.tolist(), kept_rows, strict=True)):
            if texts[at] is None:
                words = sorted(map(word, tokens[first[j] : first[j + 1]]))
                texts[at] = cache[row] = " ".join(words)
    sorted_lines = [" ".join(sorted(line.split())) for line in lines]
    matrix = process.cdist(sorted_lines, texts, scorer=fuzz.ratio, dtype=np.float64)
    similarity[kept] = (matrix[0] if len(matrix) == 1 else np.maximum.reduce(matrix)) / 100
    return similarity


@dataclass
class _Parts:
    """What a row's score is made of, before the fuzzy similarity."""

    coverage: Any  # the coverage term of the score
    vague: Any
    same: Any  # the query has the row's exact message template (None: no row)
    other: Any  # ... or that template around a different type name (None: no row)
    lift: Any  # the row names one of the query's exception types: how much it lifts (or None)
    shared: Any  # the row shares a token with the query


def _parts(
    rows: Rows, query: QueryArrays, hits: tuple[Any, Any], cov_symptom: Any, cov_query: Any
) -> _Parts:
    q_exp = SENTENCE_QUERY_EXPONENT if query.is_sentence else 0.5
    n, (row_of, flags) = len(rows.rows), hits
    typed = (
        np.bincount(row_of[flags[2]], minlength=n) > 0 if np.logical_or.reduce(flags[2]) else None
    )
    same = _in_rows(rows, query.word_rows)
    other = _in_rows(rows, query.masked_rows)
    if other is not None and same is not None:
        other &= ~same
    return _Parts(
        coverage=W_COVERAGE * cov_query**q_exp * cov_symptom ** (1 - q_exp),
        vague=~rows.specific,
        same=same,
        other=other,
        lift=None if typed is None else np.where(typed, np.minimum(1.0, cov_symptom * 2), -1.0),
        shared=np.bincount(row_of[flags[0]], minlength=n) > 0,
    )


def _in_rows(rows: Rows, wanted: set[int]) -> Any:
    """Which rows are in `wanted` (a query's few template rows); None when it is empty."""
    if not wanted:
        return None
    found = (row in wanted for row in rows.rows.tolist())
    return np.fromiter(found, dtype=bool, count=len(rows.rows))


def _finish(rows: Rows, parts: _Parts, similarity: Any) -> Any:
    """The score from its parts and a similarity (0..1), in `rank`'s order of adjustments; an
    adjustment that applies to no row is skipped (it would leave every score as it is)."""
    score = parts.coverage + W_FUZZ * similarity  # a new array: adjusted in place below
    np.multiply(score, VAGUE_FACTOR, out=score, where=parts.vague)
    if parts.same is not None:  # the same message
        np.maximum(score, TEMPLATE_SCORE, out=score, where=parts.same)
    if parts.other is not None:  # another type's template
        np.subtract(score, TEMPLATE_PENALTY, out=score, where=parts.other)
    if parts.lift is not None:
        score = np.where(parts.lift >= 0, score + TYPE_LIFT * (1 - score) * parts.lift, score)
    score = np.where(parts.shared, np.maximum(0.0, np.minimum(score, 0.99)), 0.0)
    np.multiply(score, TITLE_FACTOR, out=score, where=rows.is_title & (score < TEMPLATE_SCORE))
    return score


def score_rows(
    rows: Rows,
    query: QueryArrays,
    weights: Any,
    tokens_by_id: list[str],
    cache: dict[int, str] | None = None,
) -> Scored:
    """Every row's score against the query (0..0.99), titles already discounted; `cache` keeps
    the rows' joined texts (by global row id) for the next query of the same snapshot."""
    n, w = len(rows.rows), weights[rows.tokens]
    places = query.places(rows.tokens)
    found, flags = query.hits(places)
    row_of = rows.token_row[found]
    every = np.bincount(rows.token_row, w, minlength=n)
    message = every  # the weight of a row's tokens outside the query's type names
    if np.logical_or.reduce(flags[1]):
        outside_types = w.copy()
        outside_types[found[flags[1]]] = 0.0
        message = np.bincount(rows.token_row, outside_types, minlength=n)
    in_query = flags[0]
    sums = _row_sums(row_of, w[found], np.array([in_query, in_query & ~flags[1], *flags[3:]]), n)
    cover = _ratio(sums[1], message, 0.5)
    cov_symptom = sums[0] / np.where(every != 0, every, 1.0)
    cov_query = None  # the best line's cover (each is at least 0: weights are positive)
    for (_, known_w, unknown, _), part in zip(query.lines, sums[2:], strict=True):
        line = part / ((known_w + unknown) or 1)
        cov_query = line if cov_query is None else np.maximum(cov_query, line)
    if cov_query is None:
        cov_query = np.zeros(n, dtype=np.float64)
    parts = _parts(rows, query, (row_of, flags), cov_symptom, cov_query)
    lines = [line for *_, line in query.lines]
    similarity = _similarity(
        rows, tokens_by_id, lines, parts.shared, {} if cache is None else cache
    )
    score = _finish(rows, parts, similarity)
    return Scored(score, np.where(parts.shared, cover, 0.0), cov_query, cov_symptom, places)


def _row_sums(row_of: Any, w: Any, masks: Any, n: int) -> Any:
    """Per row (of n), the weight of the given tokens (`row_of`: their rows, `w`: their
    weights) under each mask (a row of `masks` each), in one bincount; each row's tokens are
    summed in order, as separate sums would be (the tokens left out would add 0.0)."""
    k = len(masks)
    values = np.where(masks, w, 0.0)
    at = np.add.outer(np.arange(k, dtype=np.int64) * n, row_of)
    return np.bincount(at.ravel(), values.ravel(), minlength=k * n).reshape(k, n)


def best_rows(first: list[int], score: list[float]) -> list[int]:
    """Per candidate (its rows are first[k]:first[k+1], never none: a title at least), the
    index of its first best row, or -1 when all scored 0 (a few rows each: plain Python)."""
    best = []
    for a, b in pairwise(first):
        part = score[a:b]
        top = max(part)
        best.append(a + part.index(top) if top > 0 else -1)
    return best
