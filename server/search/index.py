"""The in-memory search index: bm25s over each entry's symptoms, rebuilt when entries change.

One index per process, built from `store.index_documents`. `refresh_if_changed` costs one
small query when nothing changed; a rebuild reads the documents in one short session and
builds outside it, then swaps the new state in whole, so searches never see half an index.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from .. import store
from ..db import Database
from ..models import IndexDocument
from .mask import GENERIC_TOKENS, mask, tokenize
from .normalize import Normalized, normalize

# Pseudo-documents in which every token is assumed absent: keeps idf flat on a small base
# (a few dozen entries say little about which words are rare) and lets it speak at scale.
IDF_PRIOR_DOCS = 50
GENERIC_WEIGHT = 0.3


@dataclass
class _State:
    """Everything one build produces; replaced whole on refresh."""

    revision: int | None = None
    ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    symptoms: list[tuple[str, ...]] = field(default_factory=list)
    outcome: Any = None  # np.ndarray of float32, one per entry
    retriever: bm25s.BM25 | None = None
    vocab: dict[str, int] = field(default_factory=dict)
    idf: Any = None  # np.ndarray of float32, one per token id
    by_fingerprint: dict[str, list[int]] = field(default_factory=dict)
    languages: dict[str, Any] = field(default_factory=dict)  # lang -> np.ndarray[bool]
    built_seconds: float = 0.0


def document_text(doc: IndexDocument) -> str:
    """The text bm25 indexes for an entry: its title and every symptom."""
    return doc.title + "\n" + "\n".join(doc.symptoms)


def _symptom_fingerprints(text: str) -> list[str]:
    return normalize(text).fingerprints


def build_state(docs: Iterable[IndexDocument], revision: int | None) -> _State:
    """Build a whole index state, tokenizing one document at a time to keep memory low."""
    started = time.perf_counter()
    state = _State(revision=revision)
    vocab: dict[str, int] = {}
    corpus_ids: list[list[int]] = []
    outcome: list[float] = []
    lang_rows: dict[str, list[int]] = {}
    agnostic: list[int] = []
    for position, doc in enumerate(docs):
        state.ids.append(doc.id)
        state.titles.append(doc.title)
        state.symptoms.append(tuple(doc.symptoms))
        outcome.append(doc.outcome_score)
        tokens = tokenize(mask(document_text(doc), keep_quoted_words=True)) or [""]
        corpus_ids.append([vocab.setdefault(token, len(vocab)) for token in tokens])
        for symptom in doc.symptoms:
            for print_ in _symptom_fingerprints(symptom):
                state.by_fingerprint.setdefault(print_, []).append(position)
        langs = {lang.lower() for lang in doc.languages}
        if not langs:
            agnostic.append(position)
        for lang in langs:
            lang_rows.setdefault(lang, []).append(position)
    count = len(state.ids)
    state.outcome = np.asarray(outcome, dtype=np.float32)
    state.vocab = vocab
    if count:
        retriever = bm25s.BM25()
        retriever.scores = retriever.build_index_from_ids(
            unique_token_ids=list(range(len(vocab))),
            corpus_token_ids=corpus_ids,
            show_progress=False,
        )
        retriever.vocab_dict = vocab
        state.retriever = retriever
        indptr = retriever.scores["indptr"]
        df = np.diff(indptr).astype(np.float32)
        n = count + IDF_PRIOR_DOCS
        state.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    del corpus_ids
    state.languages[""] = np.zeros(count, dtype=bool)
    state.languages[""][agnostic] = True
    for lang, rows in lang_rows.items():
        allowed = np.zeros(count, dtype=bool)
        allowed[rows + agnostic] = True
        state.languages[lang] = allowed
    state.built_seconds = time.perf_counter() - started
    return state


class SearchIndex:
    """The in-memory index of every active entry, refreshed when the revision moves."""

    def __init__(self) -> None:
        self._state = _State()
        self._build_lock = threading.Lock()
        self._last_check = 0.0

    @classmethod
    def build(cls, database: Database) -> SearchIndex:
        """An index of the database's active entries."""
        index = cls()
        index.rebuild(database)
        return index

    @classmethod
    def from_documents(
        cls, docs: Iterable[IndexDocument], revision: int | None = None
    ) -> SearchIndex:
        """An index of given documents (benchmarks build from generated entries)."""
        index = cls()
        index._state = build_state(docs, revision)
        return index

    @property
    def state(self) -> _State:
        """The current state; read it once per search so a swap never splits a query."""
        return self._state

    def rebuild(self, database: Database) -> None:
        """Read every document in one short session, then build outside it and swap."""
        with self._build_lock:
            with database.read() as session:
                revision = store.get_revision(session=session)
                docs = store.index_documents(session=session)
            self._state = build_state(docs, revision)

    def refresh_if_changed(self, database: Database) -> bool:
        """Rebuild when the shared revision moved; one small query otherwise."""
        with database.read() as session:
            revision = store.get_revision(session=session)
        self._last_check = time.time()
        if revision == self._state.revision:
            return False
        self.rebuild(database)
        return True

    def describe(self) -> dict[str, Any]:
        """Revision, entry count and build time, for `/api/health`."""
        state = self._state
        return {
            "revision": state.revision,
            "entries": len(state.ids),
            "built_seconds": round(state.built_seconds, 3),
        }

    def token_weight(self, state: _State, token: str) -> float:
        """How much a token says: its smoothed idf, less for words every trace has."""
        token_id = state.vocab.get(token)
        if token_id is None or state.idf is None:
            weight = math.log(1.0 + (len(state.ids) + IDF_PRIOR_DOCS + 0.5) / 0.5)
        else:
            weight = float(state.idf[token_id])
        return weight * GENERIC_WEIGHT if token in GENERIC_TOKENS else weight

    def candidates(
        self, state: _State, query: Normalized, k: int, language: str | None
    ) -> list[int]:
        """Positions of the best bm25 documents plus those sharing an exact fingerprint."""
        if state.retriever is None:
            return []
        allowed = state.languages.get(language.lower()) if language else None
        if language and allowed is None:
            allowed = state.languages[""]  # an unknown language: only language-agnostic entries
        token_ids = sorted({state.vocab[t] for t in query.tokens if t in state.vocab})
        found: list[int] = []
        if token_ids:
            found = _top_k(state.retriever.scores, token_ids, k, allowed)
        for print_ in query.fingerprints:
            for position in state.by_fingerprint.get(print_, ())[:k]:
                if position not in found and (allowed is None or allowed[position]):
                    found.append(position)
        return found


def _top_k(scores: dict[str, Any], token_ids: list[int], k: int, allowed: Any) -> list[int]:
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
