"""BM25 (Lucene variant, as bm25s computes it) built in one go with numpy, and its top-k.

The matrix is column-compressed by token: for token t, `indices[indptr[t]:indptr[t+1]]` are the
entries that have it and `data[...]` their term-frequency parts; a search multiplies them by
the token's idf from the whole index's statistics (`idf`), which move as entries change.
Built from flat arrays (every entry's token ids end to end): no per-entry Python lists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

K1, B = 1.5, 0.75  # bm25s's defaults


def bm25_matrix(
    doc_ids: Any, doc_ends: Any, n_vocab: int, mean_length: float = 0.0
) -> dict[str, Any]:
    """Term-frequency parts of every (token, entry) pair; `doc_ids` int32 token ids, `doc_ends`
    per entry. A delta segment passes the whole index's mean length."""
    ends = np.asarray(doc_ends, dtype=np.int64)
    n_docs = len(ends)
    lengths = np.diff(ends, prepend=0)
    keys = np.asarray(doc_ids, dtype=np.int64) * n_docs  # token-major, then entry
    keys += np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
    keys.sort()  # in place: 100k entries have ~10M tokens, no second copy
    first = np.empty(keys.size, dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    del first
    tf = np.diff(starts, append=keys.size).astype(np.float32)
    keys = keys[starts]
    del starts
    token = (keys // n_docs).astype(np.int32)
    doc = (keys - token.astype(np.int64) * n_docs).astype(np.int32)
    del keys
    df = np.bincount(token, minlength=n_vocab)
    norm = K1 * (1.0 - B + B * lengths[doc] / (mean_length or lengths.mean()))
    data = (tf / (tf + norm)).astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    return {"data": data, "indices": doc, "indptr": indptr, "num_docs": n_docs}


def idf(df: Any, n_docs: int) -> Any:
    """BM25's idf of each token (float64) from its document frequency."""
    return np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def top_k(
    scores: dict[str, Any], token_ids: list[int], k: int, allowed: Any, idfs: Any
) -> list[int]:
    """Sum each query token's posting list (np.bincount) and keep the k best positive docs."""
    return top_k_scored(scores, token_ids, k, allowed, idfs)[0]


def top_k_scored(
    scores: dict[str, Any], token_ids: list[int], k: int, allowed: Any, idfs: Any
) -> tuple[list[int], list[float]]:
    """`top_k` with the docs' scores (tokens beyond this segment's vocabulary are skipped)."""
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    ids = np.asarray([t for t in token_ids if t < len(indptr) - 1], dtype=np.int64)
    if not ids.size:
        return [], []
    starts, ends = indptr[ids], indptr[ids + 1]
    rows = np.concatenate([indices[s:e] for s, e in zip(starts, ends, strict=True)])
    scale = idfs[ids].tolist()
    weights = np.concatenate([data[s:e] * w for s, e, w in zip(starts, ends, scale, strict=True)])
    if rows.size == 0:
        return [], []
    summed = np.bincount(rows, weights=weights, minlength=scores["num_docs"])
    if allowed is not None:
        summed = np.where(allowed, summed, 0.0)
    sizes = ends - starts  # the rarest token with k entries or more bounds best (its own)
    pick = int(np.argmin(np.where(sizes >= k, sizes, np.iinfo(np.int64).max)))
    pool = indices[starts[pick] : ends[pick]]
    best = _top(summed, min(k, summed.size), pool, rows)
    return best.tolist(), summed[best].tolist()


def _top(summed: Any, k: int, pool: Any, rows: Any) -> Any:
    """The k best positive entries, best first (ties by position), without sorting them all:
    the k-th best score among distinct entries (one token's postings) bounds the k-th best of
    all from below, so only entries at or above it are sorted."""
    if pool.size >= k > 0:
        kth = np.partition(summed[pool], pool.size - k)[pool.size - k]
        found = np.flatnonzero(summed >= kth) if kth > 0 else np.unique(rows)
    else:
        found = np.unique(rows)
    found = found[summed[found] > 0]
    return found[np.argsort(-summed[found], kind="stable")[:k]]
