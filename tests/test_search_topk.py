"""The bounded top-k (common tokens read only for entries that can still reach the top)
returns exactly what summing every posting list returns: the same entries, order and scores."""

from __future__ import annotations

import numpy as np
import pytest
from errata.search import bm25
from errata.search.bm25 import bm25_matrix, idf, top_k_scored


def _corpus(n_docs: int, seed: int) -> tuple[dict, np.ndarray]:
    """Entries of 4-20 tokens from a vocabulary of 300; tokens 0 and 1 are in most entries."""
    rng = np.random.default_rng(seed)
    docs = [
        [
            *([0] if rng.random() < 0.95 else []),
            *([1] if rng.random() < 0.4 else []),
            *rng.integers(2, 300, rng.integers(4, 20)).tolist(),
        ]
        for _ in range(n_docs)
    ]
    flat = np.asarray([t for doc in docs for t in doc], dtype=np.int32)
    matrix = bm25_matrix(flat, np.cumsum([len(doc) for doc in docs]), 300)
    return matrix, idf(np.diff(matrix["indptr"]), n_docs)


def _summed(matrix: dict, ids: list[int], k: int, allowed: object, idfs: np.ndarray) -> tuple:
    at = np.asarray(ids, dtype=np.int64)
    return bm25._top_summed(matrix, at, k, allowed, idfs[at].tolist())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bounded_top_k_equals_summing_every_posting_list(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bm25, "COMMON_POSTINGS", 1_000)  # tokens 0 and 1 are common
    matrix, idfs = _corpus(5_000, seed)
    rng = np.random.default_rng(seed + 100)
    allowed = rng.random(5_000) > 0.3
    bounded_calls = 0
    real = bm25._top_bounded

    def counting(*args: object) -> object:
        nonlocal bounded_calls
        found = real(*args)  # type: ignore[arg-type]
        bounded_calls += found is not None
        return found

    monkeypatch.setattr(bm25, "_top_bounded", counting)
    for _ in range(60):
        ids = sorted({0, 1, *rng.integers(2, 300, rng.integers(1, 8)).tolist()})
        for k, mask in ((12, None), (1, None), (5, allowed)):
            assert top_k_scored(matrix, ids, k, mask, idfs) == _summed(matrix, ids, k, mask, idfs)
    assert bounded_calls > 100  # the bound held for most queries: the fast path was tested


def test_a_query_of_common_tokens_only_sums_every_posting_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bm25, "COMMON_POSTINGS", 1_000)
    matrix, idfs = _corpus(3_000, 7)
    found, scores = top_k_scored(matrix, [0, 1], 5, None, idfs)
    assert (found, scores) == _summed(matrix, [0, 1], 5, None, idfs)
    assert len(found) == 5 and scores == sorted(scores, reverse=True)
