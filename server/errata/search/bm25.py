"""BM25 (Lucene variant, as bm25s computes it) built in one go with numpy, and its top-k.

The matrix is column-compressed by token: for token t, `indices[indptr[t]:indptr[t+1]]` are the
entries that have it and `data[...]` their term-frequency parts; a search multiplies them by
the token's idf from the whole index's statistics (`idf`), which move as entries change.
Built from flat arrays (every entry's token ids end to end): no per-entry Python lists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .score import ranges

_NEVER = np.iinfo(np.int64).max  # a size no token reaches (`np.iinfo` costs a call)

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
    """`top_k` with the docs' scores (tokens beyond this segment's vocabulary are skipped).

    With common tokens (over `COMMON_POSTINGS` entries each) the exact answer comes from the
    rare tokens' candidates (`_top_bounded`), else from summing every posting list.
    """
    indptr = scores["indptr"]
    last = len(indptr) - 1
    ids = np.asarray([t for t in token_ids if t < last], dtype=np.int64)
    if not ids.size:
        return [], []
    starts, ends = indptr[ids], indptr[ids + 1]
    sizes = ends - starts
    # ndarray.max and its kin pass through a Python wrapper: their ufunc's reduce is called
    if np.maximum.reduce(sizes) > COMMON_POSTINGS:  # else no token is common
        common = sizes > COMMON_POSTINGS
        if not common.all():
            found = _top_bounded(scores, ids, k, allowed, idfs[ids].tolist(), common)
            if found is not None:
                return found
    return _top_summed(scores, ids, k, allowed, idfs[ids], (starts, ends, sizes))


def _top_summed(
    scores: dict[str, Any], ids: Any, k: int, allowed: Any, scale: Any, spans: Any = None
) -> tuple[list[int], list[float]]:
    """Sum each query token's posting list (np.bincount) and keep the k best positive docs
    (`scale`: each token's idf, float64; `spans`: the tokens' posting starts, ends and sizes,
    if read already)."""
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    if spans is None:
        spans = indptr[ids], indptr[ids + 1], indptr[ids + 1] - indptr[ids]
    starts, ends, sizes = spans
    postings = ranges(starts, ends, sizes)  # every token's postings, token after token
    rows = indices[postings]
    # each part times its token's idf in float32, as `data[s:e] * idf` computes it
    weights = data[postings] * np.asarray(scale, dtype=data.dtype).repeat(sizes)
    if rows.size == 0:
        return [], []
    summed = np.bincount(rows, weights=weights, minlength=scores["num_docs"])
    if allowed is not None:
        summed = np.where(allowed, summed, 0.0)
    # the rarest token with k entries or more bounds best (its own)
    pick = int(np.where(sizes >= k, sizes, _NEVER).argmin())
    pool = indices[starts[pick] : ends[pick]]
    best = _top(summed, min(k, summed.size), pool, rows)
    return best.tolist(), summed[best].tolist()


def _top(summed: Any, k: int, pool: Any, rows: Any) -> Any:
    """The k best positive entries, best first (ties by position), without sorting them all:
    the k-th best score among distinct entries (one token's postings) bounds the k-th best of
    all from below, so only entries at or above it are sorted."""
    if pool.size >= k > 0:
        part = summed[pool]  # a copy, partitioned in place
        part.partition(pool.size - k)
        kth = part[pool.size - k]
        found = (summed >= kth).nonzero()[0] if kth > 0 else np.unique(rows)
    else:
        found = np.unique(rows)
    found = found[summed[found] > 0]
    return found[(-summed[found]).argsort(kind="stable")[:k]]


# A token in more entries than this is common ("ms", "error" in most messages): its postings
# are read only for the few entries that can still reach the top k (`_top_bounded`).
COMMON_POSTINGS = 16_384
MAX_EXACT = 20_000  # more entries than this to score exactly: sum every posting list instead


def _top_bounded(
    scores: dict[str, Any], ids: Any, k: int, allowed: Any, scale: list[float], common: Any
) -> tuple[list[int], list[float]] | None:
    """The same k best docs and scores as `_top_summed`, reading common tokens' postings only
    for the docs that can still reach the top (MaxScore, Turtle and Flood 1995).

    A doc's score is its rare tokens' part plus at most `idf` per common token (each term part
    is below 1). The k-th best rare part among distinct docs bounds the k-th best score from
    below, so only docs whose rare part plus that bound reaches it are scored in full, in the
    token order `_top_summed` adds them (the same floats). None: no such bound (fall back).
    """
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    rare = np.flatnonzero(~common)
    starts, ends = indptr[ids[rare]], indptr[ids[rare] + 1]
    rows = np.concatenate([indices[s:e] for s, e in zip(starts, ends, strict=True)])
    weights = np.concatenate(
        [data[s:e] * scale[i] for s, e, i in zip(starts, ends, rare.tolist(), strict=True)]
    )
    partial = np.bincount(rows, weights=weights, minlength=scores["num_docs"])
    if allowed is not None:
        partial = np.where(allowed, partial, 0.0)
    sizes = ends - starts
    if not (sizes >= k).any() or k <= 0:
        return None
    pick = int(np.argmin(np.where(sizes >= k, sizes, _NEVER)))
    pool = partial[indices[starts[pick] : ends[pick]]]
    kth = float(np.partition(pool, pool.size - k)[pool.size - k])
    bound = sum(scale[i] for i in np.flatnonzero(common).tolist()) * (1 + 1e-6)
    slack = 1e-6 * (1.0 + kth)  # float32 products and summation order, generously
    if kth <= 0 or bound + slack >= kth - slack:
        return None  # a doc with only common tokens could still reach the top
    near = partial[rows] + bound + slack >= kth - slack
    docs = np.unique(rows[near])
    if docs.size > MAX_EXACT:
        return None
    token = np.repeat(rare, sizes)[near]  # each near posting's place in `ids`
    exact = _exact(scores, ids, scale, docs, (rows[near], weights[near], token))
    keep = exact > 0
    docs, exact = docs[keep], exact[keep]
    best = np.argsort(-exact, kind="stable")[:k]
    return docs[best].tolist(), exact[best].tolist()


def _exact(
    scores: dict[str, Any], ids: Any, scale: list[float], docs: Any, near: tuple[Any, Any, Any]
) -> Any:
    """The full score of each of `docs` (sorted): their rare postings (`near`: docs, parts,
    token places) and their common ones, added per doc in `ids` order by one np.bincount, as
    `_top_summed` adds them (float64 from 0, each part the same float32 product)."""
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    rows, parts, places = [near[0]], [near[1]], [near[2]]
    for place in np.flatnonzero(indptr[ids + 1] - indptr[ids] > COMMON_POSTINGS).tolist():
        lo, hi = int(indptr[ids[place]]), int(indptr[ids[place] + 1])
        postings = indices[lo:hi]  # ascending doc ids
        at = np.minimum(np.searchsorted(postings, docs), hi - lo - 1)
        hit = postings[at] == docs
        rows.append(docs[hit])
        parts.append(data[lo:hi][at[hit]] * scale[place])
        places.append(np.full(int(hit.sum()), place, dtype=np.int64))
    order = np.argsort(np.concatenate(places), kind="stable")
    bins = np.searchsorted(docs, np.concatenate(rows)[order])
    return np.bincount(bins, weights=np.concatenate(parts)[order], minlength=docs.size)
