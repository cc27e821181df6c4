"""Which of the query's words each candidate knows, read once per search: one binary search of
the candidates' token ids in the query's ids gives, per row and per entry, a membership matrix
that the frame gap, the entry gap, the telling words and the context support all read
(tests/evidence_definitions.py defines each for one candidate; these equal them value for
value)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .evidence import gap_values, telling_of
from .prepared import Prepared
from .score import Places, Rows
from .snapshot import Snapshot
from .sums import masked_sums

# frame gap, entry gap, telling words, support, context share
Context = tuple[float, float, int, float, float]


def contexts(
    state: Snapshot, query: Prepared, rows: Rows, best: list[int], places: Places | None = None
) -> list[Context]:
    """Per candidate: the frame gap of the query's frame words and (not for a sentence) of all
    its known words, its telling words, its context support around its best row (`best[k]`,
    an index into rows; 0.0 when it has none) and that support's share of the whole query.
    `places`: the rows' tokens already looked up in a union of ids (score.Scored.places)."""
    frame_ids, all_ids = query.frame_ids, query.all_ids
    entry_first = rows.token_first[rows.first]
    counts = (entry_first[1:] - entry_first[:-1]).tolist()  # np.diff without its checks
    n = len(counts)
    if not len(frame_ids) and not len(all_ids):
        return [(0.0, 0.0, 0, 0.0, 0.0)] * n
    union = _union(frame_ids, all_ids)
    in_rows, in_entries = _memberships(union, rows, _same(places, union, all_ids))
    is_word = _columns(union, all_ids)
    every = len(union) == len(all_ids)  # every column is a word: `& is_word` would keep all
    known = in_entries if every else in_entries & is_word
    outside = ~in_rows[[max(i, 0) for i in best]]
    outside = outside if every else outside & is_word
    masks = [is_word[None], known, outside, outside & known]
    if len(frame_ids):
        is_frame = _columns(union, frame_ids)
        masks += [is_frame[None], in_entries & is_frame]
    sums = masked_sums(np.concatenate(masks), state.weights[union])
    frames = gap_values(sums[2 + 3 * n :], sums[1 + 3 * n], counts) if len(frame_ids) else [0.0] * n
    if not len(all_ids):
        return [(gap, 0.0, 0, 0.0, 0.0) for gap in frames]
    words = [0.0] * n if query.is_sentence else gap_values(sums[1 : 1 + n], sums[0], counts)
    telling = telling_of(known if every else known[:, is_word], state.idf[all_ids], state.count)
    totals, parts = sums[1 + n : 1 + 2 * n], sums[1 + 2 * n : 1 + 3 * n]
    support = _supports(
        np.logical_or.reduce(outside, axis=1).tolist(), totals, parts, best, query.unknown
    )
    whole = float(sums[0]) + query.unknown
    share = [p / whole if s and whole > 0 else 0.0 for p, s in zip(parts, support, strict=True)]
    return list(zip(frames, words, telling, support, share, strict=True))


def _union(frame_ids: Any, all_ids: Any) -> Any:
    """Both sorted id arrays' ids, sorted (a query's few: plain Python)."""
    if not len(frame_ids):
        return all_ids
    merged = {*frame_ids.tolist(), *all_ids.tolist()}
    if len(merged) == len(all_ids):  # the frame words are among all words (the usual case)
        return all_ids
    return np.array(sorted(merged), dtype=all_ids.dtype)


def _columns(union: Any, ids: Any) -> Any:
    """Which of `union`'s ids are in `ids` (sorted, all in `union`)."""
    if len(ids) == len(union):
        return np.ones(len(union), dtype=bool)
    found = np.zeros(len(union), dtype=bool)
    found[union.searchsorted(ids)] = True
    return found


def _same(places: Places | None, union: Any, all_ids: Any) -> Places | None:
    """`places` when their union is `union`: both hold every one of the query's known ids
    (`all_ids`) and no other (as a rule: a query's frame, type and line words are among its
    words)."""
    if places is None or union is not all_ids or len(places[0]) != len(all_ids):
        return None
    return places


def _memberships(union: Any, rows: Rows, places: Places | None = None) -> tuple[Any, Any]:
    """in_rows[r, j]: row r holds union[j]; in_entries[k, j]: some row of candidate k does
    (every entry has a row: its title). `places`: the rows' tokens in `union`, if looked up."""
    in_rows = np.zeros((len(rows.rows), len(union)), dtype=bool)
    if len(rows.tokens):
        if places is None:
            at = np.minimum(union.searchsorted(rows.tokens), len(union) - 1)
            places = union, at, union[at] == rows.tokens
        _, at, hit = places
        in_rows[rows.token_row[hit], at[hit]] = True
    return in_rows, np.logical_or.reduceat(in_rows, rows.first[:-1], axis=0)


def _supports(
    any_outside: list[bool],
    totals: list[float],
    parts: list[float],
    best: list[int],
    unknown: float,
) -> list[float]:
    """The context support of every candidate: of the query's words outside its best row,
    the weight its entry knows over their weight plus `unknown`."""
    return [
        part / (total + unknown) if i >= 0 and there and total + unknown > 0 else 0.0
        for i, there, total, part in zip(best, any_outside, totals, parts, strict=True)
    ]
