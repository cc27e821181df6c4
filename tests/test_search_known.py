"""Every candidate's context read at once equals each candidate's own, bit for bit."""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace
from typing import Any

import numpy as np
from errata.search.bm25 import idf as bm25_idf
from errata.search.known import contexts
from errata.search.score import Rows
from errata.search.sums import masked_sums

from .evidence_definitions import context_share, context_support, frame_gap, telling_words


def random_rows(rng: np.random.Generator, vocabulary: int) -> Rows:
    """Candidates of 1..5 rows, each row 0..12 distinct token ids."""
    per_entry = rng.integers(1, 6, int(rng.integers(1, 12)))
    first = np.concatenate([[0], np.cumsum(per_entry)])
    row_tokens = [
        rng.choice(vocabulary, int(rng.integers(0, 13)), replace=False).astype(np.int32)
        for _ in range(int(first[-1]))
    ]
    lengths = np.array([len(t) for t in row_tokens], dtype=np.int64)
    return Rows(
        rows=np.arange(len(row_tokens), dtype=np.int64),
        first=first,
        tokens=np.concatenate([np.zeros(0, np.int32), *row_tokens]),
        token_row=np.repeat(np.arange(len(row_tokens), dtype=np.int64), lengths),
        token_first=np.concatenate([[0], np.cumsum(lengths)]),
        specific=np.ones(len(row_tokens), dtype=bool),
        is_title=np.zeros(len(row_tokens), dtype=bool),
        generic=np.zeros(len(row_tokens), dtype=bool),
    )


def one_by_one(state: Any, query: Any, rows: Rows, best: list[int]) -> list[tuple]:
    """Each candidate's context from evidence.py's own functions, one candidate at a time."""
    entry_first = rows.token_first[rows.first]
    telling = telling_words(query.all_ids, state.idf, state.count, rows.tokens, entry_first)
    out = []
    for k, (a, b) in enumerate(pairwise(entry_first.tolist())):
        entry = np.unique(rows.tokens[a:b])
        words = 0.0 if query.is_sentence else frame_gap(query.all_ids, state.weights, entry)
        i = best[k]
        row_ids = rows.tokens[rows.token_first[max(i, 0)] : rows.token_first[max(i, 0) + 1]]
        given = (query.all_ids, state.weights, entry, row_ids, query.unknown)
        support = context_support(*given) if i >= 0 else 0.0
        share = context_share(*given) if i >= 0 else 0.0
        frames = frame_gap(query.frame_ids, state.weights, entry) if len(query.frame_ids) else 0.0
        out.append((frames, words, telling[k], support, share))
    return out


def test_every_candidates_context_at_once_equals_its_own_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    for trial in range(400):
        vocabulary = 40
        df = rng.integers(0, 12, vocabulary)
        weights = rng.random(vocabulary) * (rng.random(vocabulary) > 0.1)
        state = SimpleNamespace(weights=weights, idf=bm25_idf(df, 20), count=20)
        query = SimpleNamespace(
            frame_ids=np.unique(rng.integers(0, vocabulary, int(rng.integers(0, 8)))),
            all_ids=np.unique(rng.integers(0, vocabulary, int(rng.integers(0, 30)))),
            is_sentence=trial % 3 == 0,
            unknown=float(rng.choice([0.0, 0.0, 2.5])),
        )
        rows = random_rows(rng, vocabulary)
        best = [
            int(rng.integers(a, b)) if rng.random() > 0.2 else -1
            for a, b in pairwise(rows.first.tolist())
        ]
        assert contexts(state, query, rows, best) == one_by_one(state, query, rows, best)  # type: ignore[arg-type]


def test_masked_sums_equal_numpys_own_sum_of_each_row_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    for _ in range(600):
        columns, rows = int(rng.integers(0, 300)), int(rng.integers(0, 30))
        weights = rng.random(columns) * 10.0 ** rng.integers(-3, 4, columns)
        mask = rng.random((rows, columns)) < rng.random()
        each = [float(weights[mask[k]].sum()) for k in range(rows)]
        assert masked_sums(mask, weights) == each
