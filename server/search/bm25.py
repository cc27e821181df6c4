"""BM25 (Lucene variant, as bm25s computes it) built in one go with numpy, and its top-k.

The matrix is column-compressed by token: for token t, `indices[indptr[t]:indptr[t+1]]` are the
entries that have it and `data[...]` their scores. Built from flat arrays (every entry's token
ids end to end), so 100k entries need no per-entry Python lists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

K1, B = 1.5, 0.75  # bm25s's defaults


def bm25_matrix(doc_ids: Any, doc_ends: Any, n_vocab: int) -> dict[str, Any]:
    """Scores of every (token, entry) pair; `doc_ids` int32 token ids, `doc_ends` per entry."""
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
    idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
    norm = K1 * (1.0 - B + B * lengths[doc] / lengths.mean())
    data = (idf[token] * (tf / (tf + norm))).astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    return {"data": data, "indices": doc, "indptr": indptr, "num_docs": n_docs}


def top_k(scores: dict[str, Any], token_ids: list[int], k: int, allowed: Any) -> list[int]:
    """Sum each query token's posting list (np.bincount) and keep the k best positive docs."""
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    ids = np.asarray(token_ids, dtype=np.int64)
    starts, ends = indptr[ids], indptr[ids + 1]
    rows = np.concatenate([indices[s:e] for s, e in zip(starts, ends, strict=True)])
    weights = np.concatenate([data[s:e] for s, e in zip(starts, ends, strict=True)])
    if rows.size == 0:
        return []
    summed = np.bincount(rows, weights=weights, minlength=scores["num_docs"])
    if allowed is not None:
        summed = np.where(allowed, summed, 0.0)
    k = min(k, summed.size)
    best = np.argpartition(-summed, k - 1)[:k]
    best = best[np.argsort(-summed[best], kind="stable")]
    return [int(i) for i in best if summed[i] > 0]
