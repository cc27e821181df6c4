"""The plain per-candidate definitions of the evidence features that search/known.py computes
for every candidate at once: the tests hold the bulk path to these, value for value."""

from __future__ import annotations

from typing import Any

import numpy as np
from errata.search.evidence import gap_values, telling_of
from errata.search.sums import masked_sums


def frame_gap(frame_ids: Any, weights: Any, entry_sorted: Any) -> float:
    """Of the query's words that some entry knows (idf-weighted), the share that this entry
    (its token ids, sorted) never mentions: a trace whose frames or context belong to another
    cause (0 without such words)."""
    if not len(frame_ids) or not len(entry_sorted):
        return 0.0 if not len(frame_ids) else 1.0
    total = float(weights[frame_ids].sum())
    if total <= 0:
        return 0.0
    at = np.minimum(np.searchsorted(entry_sorted, frame_ids), len(entry_sorted) - 1)
    known = entry_sorted[at] == frame_ids
    return 1.0 - float(weights[frame_ids[known]].sum()) / total


def frame_gaps(query_ids: Any, weights: Any, tokens: Any, first: Any) -> list[float]:
    """`frame_gap` of every candidate at once, equal value for value: candidate k's token ids
    are tokens[first[k]:first[k + 1]] (any order, repeats allowed)."""
    if not len(query_ids):
        return [0.0] * (len(first) - 1)
    query_weights = weights[query_ids]
    total = float(query_weights.sum())
    known = known_matrix(query_ids, tokens, first)
    parts = masked_sums(known, query_weights) if total > 0 else []
    return gap_values(parts, total, np.diff(first).tolist())


def known_matrix(query_ids: Any, tokens: Any, first: Any) -> Any:
    """known[k, j]: candidate k's token ids (tokens[first[k]:first[k + 1]]) hold query_ids[j]
    (sorted, not empty)."""
    n = len(first) - 1
    at = np.minimum(np.searchsorted(query_ids, tokens), len(query_ids) - 1)
    hit = query_ids[at] == tokens
    known = np.zeros((n, len(query_ids)), dtype=bool)
    known[np.repeat(np.arange(n), np.diff(first))[hit], at[hit]] = True
    return known


def telling_words(query_ids: Any, idf: Any, count: int, tokens: Any, first: Any) -> list[int]:
    """Per candidate (its token ids as in `frame_gaps`), how many of the query's words (sorted
    ids) it lists that at most RARE_ENTRIES entries of `count` list: words that name a cause
    ("Popen", "jitter", "lru_cache"), where the words of an effect ("hangs", "slow", "memory")
    are listed by many entries."""
    if not len(query_ids):
        return [0] * (len(first) - 1)
    return telling_of(known_matrix(query_ids, tokens, first), idf[query_ids], count)


def context_support(
    query_ids: Any, weights: Any, entry_sorted: Any, row_ids: Any, unknown: float
) -> float:
    """Of the query's words outside the matched symptom (idf-weighted; words no entry has
    weigh `unknown` together), the share that the entry's other symptoms mention: what of the
    trace around a message points to this entry's cause (0 when nothing is outside it)."""
    return _context(query_ids, weights, entry_sorted, row_ids, unknown)[0]


def context_share(
    query_ids: Any, weights: Any, entry_sorted: Any, row_ids: Any, unknown: float
) -> float:
    """The weight of the words context_support counts, over the whole query's weight (with
    `unknown`): how much of the query, not only of what is outside the message, they are."""
    return _context(query_ids, weights, entry_sorted, row_ids, unknown)[1]


def _context(
    query_ids: Any, weights: Any, entry_sorted: Any, row_ids: Any, unknown: float
) -> tuple[float, float]:
    outside = query_ids[~np.isin(query_ids, row_ids)] if len(row_ids) else query_ids
    total = float(weights[outside].sum()) + unknown
    if total <= 0 or not len(outside):
        return 0.0, 0.0
    at = np.minimum(np.searchsorted(entry_sorted, outside), max(len(entry_sorted) - 1, 0))
    known = entry_sorted[at] == outside if len(entry_sorted) else np.zeros(len(outside), bool)
    part = float(weights[outside[known]].sum())
    whole = float(weights[query_ids].sum()) + unknown
    return part / total, (part / whole if part and whole > 0 else 0.0)
