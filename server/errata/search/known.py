"""Which of the query's words each candidate knows, read once per search: one binary search of
the candidates' token ids in the query's ids gives, per row and per entry, a membership matrix
that the frame gap, the entry gap, the telling words and the context support all read
(evidence.py defines each for one candidate; these equal them value for value)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .evidence import gaps_of, known_sums, telling_of
from .prepared import Prepared
from .score import Rows
from .snapshot import Snapshot

Context = tuple[float, float, int, float]  # frame gap, entry gap, telling words, support


def contexts(state: Snapshot, query: Prepared, rows: Rows, best: list[int]) -> list[Context]:
    """Per candidate: evidence.frame_gap of the query's frame words and (not for a sentence) of
    all its known words, evidence.telling_words, and evidence.context_support around its best
    row (`best[k]`, an index into rows; 0.0 when it has none)."""
    frame_ids, all_ids = query.frame_ids, query.all_ids
    union = np.union1d(frame_ids, all_ids)
    in_rows, in_entries = _memberships(union, rows)
    counts = np.diff(rows.token_first[rows.first])
    n = len(counts)
    frames, words = [0.0] * n, [0.0] * n
    if len(frame_ids):
        columns = np.searchsorted(union, frame_ids)
        frames = gaps_of(in_entries[:, columns], state.weights[frame_ids], counts)
    if not len(all_ids):
        return [(gap, words[k], 0, 0.0) for k, gap in enumerate(frames)]
    columns = np.searchsorted(union, all_ids)
    known = in_entries[:, columns]
    if not query.is_sentence:
        words = gaps_of(known, state.weights[all_ids], counts)
    telling = telling_of(known, state.idf[all_ids], state.count)
    support = _supports(in_rows[:, columns], known, state.weights[all_ids], best, query.unknown)
    return list(zip(frames, words, telling, support, strict=True))


def _memberships(union: Any, rows: Rows) -> tuple[Any, Any]:
    """in_rows[r, j]: row r holds union[j]; in_entries[k, j]: some row of candidate k does."""
    n_rows, n = len(rows.rows), len(rows.first) - 1
    in_rows = np.zeros((n_rows, len(union)), dtype=bool)
    in_entries = np.zeros((n, len(union)), dtype=bool)
    if not len(union) or not len(rows.tokens):
        return in_rows, in_entries
    at = np.minimum(np.searchsorted(union, rows.tokens), len(union) - 1)
    hit = union[at] == rows.tokens
    row, column = rows.token_row[hit], at[hit]
    in_rows[row, column] = True
    entry_of_row = np.repeat(np.arange(n), np.diff(rows.first))
    in_entries[entry_of_row[row], column] = True
    return in_rows, in_entries


def _supports(in_rows: Any, known: Any, weights: Any, best: list[int], unknown: float) -> Any:
    """evidence.context_support of every candidate: of the query's words outside its best row,
    the weight its entry knows over their weight plus `unknown`."""
    outside = ~in_rows[[max(i, 0) for i in best]]
    totals = known_sums(outside, weights)
    parts = known_sums(outside & known, weights)
    any_outside = outside.any(axis=1).tolist()
    return [
        part / (total + unknown) if i >= 0 and there and total + unknown > 0 else 0.0
        for i, there, total, part in zip(best, any_outside, totals, parts, strict=True)
    ]
