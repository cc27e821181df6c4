"""Rerank bm25 candidates against each symptom string and calibrate a 0..1 score.

A symptom's score mixes how much of the symptom the query contains, how much of the query's
error lines the symptom explains, and rapidfuzz's similarity of the two; an exact message
template or a shared exception type lifts it. Outcome reports only break near-ties.
The calibration also weighs how much of the query the symptom explains, how closely a short
sentence follows the symptom's words, and what separates a message from a cause (evidence.py):
a message several causes print, a different errno, a trace whose words the entry never uses.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from .evidence import errno_clash, frame_gap, is_generic, mark_shared
from .index import SearchIndex
from .mask import GENERIC_TYPES, WHY_FILLER, mask, surface_words, tokenize
from .normalize import Normalized
from .score import QueryArrays, Rows, Scored, best_rows, score_rows
from .snapshot import Snapshot as _State

# The logistic calibration and its threshold are fitted by `python bench/calibrate.py` on the
# tuning sets and shipped as calibration.json next to this module (a deterministic fit).
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
FEATURES = (
    "evidence",
    "message_cover",
    "margin",
    "template",
    "mismatch",
    "vague",
    "evidence_x_cover",
    "query_cover",
    "surface",
    "shared",
    "generic",
    "errno_clash",
    "frame_gap",
    "entry_gap",
    "sentence",
    "sentence_x_evidence",
    "bias",
)


def load_calibration(path: Path = CALIBRATION_FILE) -> tuple[tuple[float, ...], float]:
    """The weights (in FEATURES order) and the confidence threshold from a calibration file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = data["weights"]
    missing = [name for name in FEATURES if name not in weights]
    if missing:
        raise ValueError(f"{path.name} lacks weights for {missing}: rerun bench/calibrate.py")
    return tuple(float(weights[name]) for name in FEATURES), float(data["threshold"])


CALIBRATION, CONFIDENT_THRESHOLD = load_calibration()
MARGIN_CAP = 0.3
MIN_SCORE = 0.12  # below this a candidate is not worth showing at all
CANDIDATES = 12  # bm25 ranks well; rerank a short list (fingerprint hits are added)
OUTCOME_WEIGHT = 0.02
MAX_FUZZ_LINES = 4
SURFACE_MAX_CHARS = 400  # longer "sentences" are pastes: their wording is not a paraphrase


@dataclass
class Ranked:
    """One ranked entry, before fixes are read from the database."""

    position: int
    id: str
    score: float
    confident: bool
    matched_symptom: str
    why: str
    evidence: float = 0.0  # the rerank score of the best symptom, before calibration
    message_cover: float = 0.0  # share of that symptom's message words the query has
    template: bool = False  # the query has that symptom's exact message template
    mismatch: bool = False  # ... or its template around a different type name
    vague: bool = False  # that symptom has fewer than three telling words
    margin: float = 0.0  # evidence over the best other candidate's
    query_cover: float = 0.0  # share of the query's telling words that symptom explains
    surface: float = 0.0  # how closely a sentence's own words follow that symptom's
    sentence: bool = False  # the query is a plain sentence (no trace, no error line)
    shared: bool = False  # another candidate lists the same message: a differential (evidence.py)
    errno_clash: bool = False  # query and symptom name different errnos (evidence.errno_clash)
    frame_gap: float = 0.0  # share of the query's known frame words the entry never mentions
    entry_gap: float = 0.0  # ... of all the query's known words (a trace's context)


@dataclass
class _Query:
    ids: frozenset[int]  # the query's tokens that some entry has
    lines: list[tuple[frozenset[int], float, str]]  # per key line: known ids, unknown weight, text
    types: frozenset[str]
    is_sentence: bool
    word_rows: set[int]
    masked_rows: set[int]
    type_ids: frozenset[int]  # tokens of the query's exception type names
    surface_text: str  # a sentence's own words, masked and lowercased ("" for a trace)
    surfaces: dict[str, str]  # token -> the query's own word for it, for `why`
    type_names: dict[str, str]  # lowercased exception type -> as the query wrote it
    frame_ids: np.ndarray  # the query's frame words that some entry has
    all_ids: np.ndarray  # every query word that some entry has
    errnos: frozenset[str]

    def arrays(self, state: _State) -> QueryArrays:
        """The query as bulk scoring needs it."""
        weights = state.weights
        lines = [
            (_ids(known), float(sum(weights[i] for i in known)), unknown, text)
            for known, unknown, text in self.lines
        ]
        vocab = state.vocab
        types = _ids(frozenset(vocab[t] for t in self.types if t in vocab))
        return QueryArrays(
            _ids(self.ids), _ids(self.type_ids), types, lines, self.is_sentence,
            self.word_rows, self.masked_rows,
        )  # fmt: skip


def _ids(ids: frozenset[int]) -> np.ndarray:
    return np.sort(np.fromiter(ids, dtype=np.int32, count=len(ids)))


def _prepare(state: _State, query: Normalized, word: set[int], masked: set[int]) -> _Query:
    vocab = state.vocab
    lines: list[tuple[frozenset[int], float, str]] = []
    for tokens in query.line_tokens or [query.tokens]:
        known = frozenset(vocab[t] for t in tokens if t in vocab)
        unknown = float(sum(state.unknown_weight for t in set(tokens) if t not in vocab))
        lines.append((known, unknown, " ".join(dict.fromkeys(tokens))))
    is_sentence = not query.key_lines and not query.frames
    return _Query(
        ids=frozenset(vocab[t] for t in query.tokens if t in vocab),
        lines=lines[:MAX_FUZZ_LINES] or [(frozenset(), 0.0, "")],
        types=frozenset(t.lower() for t in query.exception_types) - GENERIC_TYPES,
        is_sentence=is_sentence,
        word_rows=word,
        masked_rows=masked,
        type_ids=frozenset(
            vocab[t] for t in tokenize(" ".join(query.exception_types)) if t in vocab
        ),
        surface_text=query.text.lower() if is_sentence and _short(query.text) else "",
        surfaces=surface_words(query.text),
        type_names={t.lower(): t for t in reversed(query.exception_types)},
        frame_ids=_ids(frozenset(vocab[t] for t in tokenize(" ".join(query.frames)) if t in vocab)),
        errnos=query.errnos,
        all_ids=_ids(frozenset(vocab[t] for t in query.tokens if t in vocab)),
    )


def _short(text: str) -> bool:
    """A sentence someone wrote, not a long paste that no trace format recognised."""
    return len(text) <= SURFACE_MAX_CHARS and text.count("\n") < 2


def surface_similarity(sentence: str, symptom: str) -> float:
    """How closely a sentence's own words, stopwords and numbers included, follow a symptom's
    (0..1). Sorted-token similarity, not partial: a one-word query ("slow", "lock") does not
    score 1 against every symptom that contains the word."""
    if not sentence:
        return 0.0
    return fuzz.token_sort_ratio(sentence, _masked_lower(symptom)) / 100


@lru_cache(maxsize=20_000)
def _masked_lower(symptom: str) -> str:
    return mask(symptom).lower()


def _shown_terms(state: _State, query: _Query, shared: frozenset[int] | set[int]) -> list[str]:
    """The most telling shared terms in the query's own words; filler words ("one", "error",
    "other") only when nothing better is shared."""
    weights = state.weights
    by_weight = sorted(shared, key=lambda i: (-weights[i], state.tokens_by_id[i]))
    telling: dict[str, None] = {}
    filler: dict[str, None] = {}
    for token in (state.tokens_by_id[i] for i in by_weight):
        word = query.surfaces.get(token, token)
        weak = token in WHY_FILLER or word in WHY_FILLER
        (filler if weak else telling).setdefault(word)
    return list(telling)[:6] if telling else list(filler)[:3]


def _explain(state: _State, query: _Query, row: int, ids: list[int]) -> tuple[str, bool, bool]:
    """Why a row matched (its score is computed in bulk), and its template flags."""
    reasons = []
    template = row in query.word_rows
    mismatch = not template and row in query.masked_rows
    if template:  # the same message, quoted type names included
        reasons.append("same message")
    elif mismatch:  # the same template around different type names
        reasons.append("same template, different type")
    common_types = query.types & {state.tokens_by_id[i] for i in ids}
    if common_types:
        name = max(common_types, key=len)
        reasons.append("exception type " + query.type_names.get(name, name))
    shared = query.ids & set(ids)
    reasons.append("shared terms: " + ", ".join(_shown_terms(state, query, shared)))
    return "; ".join(reasons), template, mismatch


def _ranked(
    state: _State, query: _Query, position: int, found: tuple[Rows, Scored, int, int], best: float
) -> Ranked:
    """The Ranked of one candidate from its best row."""
    rows, scored, i, k = found
    row = int(rows.rows[i])
    lo, hi = rows.token_first[i], rows.token_first[i + 1]
    why, template, mismatch = _explain(state, query, row, rows.tokens[lo:hi].tolist())
    symptom = state.row_text(row)
    first, last = rows.token_first[rows.first[k]], rows.token_first[rows.first[k + 1]]
    entry_ids = np.sort(rows.tokens[first:last])
    return Ranked(
        position,
        state.entry_id(position),
        best,
        False,
        symptom,
        why,
        best,
        float(scored.message_cover[i]),
        template,
        mismatch,
        not bool(rows.specific[i]),
        query_cover=float(scored.query_cover[i]),
        surface=surface_similarity(query.surface_text, symptom),
        sentence=query.is_sentence,
        errno_clash=errno_clash(query.errnos, symptom),
        frame_gap=frame_gap(query.frame_ids, state.weights, entry_ids),
        entry_gap=0.0 if query.is_sentence else frame_gap(query.all_ids, state.weights, entry_ids),
    )


def rerank(index: SearchIndex, query: Normalized, *, language: str | None) -> list[Ranked]:
    """Every candidate worth showing, best evidence first, with its margin; not yet calibrated."""
    state = index.state
    positions, word_rows, masked_rows = index.candidates(state, query, CANDIDATES, language)
    if not positions:
        return []
    prepared = _prepare(state, query, word_rows, masked_rows)
    rows = state.gather(positions)
    scored = score_rows(rows, prepared.arrays(state), state.weights, state.tokens_by_id)
    ranked: list[Ranked] = []
    dropped = 0.0  # the best evidence not worth showing: a margin over it is no lone lead
    for k, (position, i) in enumerate(zip(positions, best_rows(rows, scored), strict=True)):
        best = float(scored.score[i]) if i >= 0 else 0.0
        best = max(0.0, min(1.0, best + OUTCOME_WEIGHT * state.outcome_of(position)))
        if best < MIN_SCORE or i < 0:
            dropped = max(dropped, best)
        else:
            ranked.append(_ranked(state, prepared, position, (rows, scored, i, k), best))
    ranked.sort(key=lambda r: (-round(r.evidence, 6), r.id))
    for i, result in enumerate(ranked):
        others = [r.evidence for j, r in enumerate(ranked) if j != i]
        result.margin = result.evidence - max(others, default=dropped)
    mark_shared(ranked)
    return ranked


def order(ranked: list[Ranked], weights: tuple[float, ...], threshold: float) -> list[Ranked]:
    """Calibrate every candidate's score with the given weights and sort by it."""
    for result in ranked:
        result.score = round(calibrate(result, result.margin, weights), 4)
        result.confident = result.score >= threshold
    return sorted(ranked, key=lambda r: (-r.score, -r.evidence, r.id))


def rank(
    index: SearchIndex, query: Normalized, *, limit: int, language: str | None
) -> list[Ranked]:
    """The best entries for a normalized query, scored 0..1, best first."""
    ranked = rerank(index, query, language=language)
    return order(ranked, CALIBRATION, CONFIDENT_THRESHOLD)[:limit]


def calibrate(result: Ranked, margin: float, weights: tuple[float, ...] | None = None) -> float:
    """Confidence in 0..1: a logistic model of `features` (the best symptom's evidence, its
    coverage both ways, the margin over the next entry, what marks a message as generic)."""
    weights = CALIBRATION if weights is None else weights
    z = sum(w * x for w, x in zip(weights, features(result, margin), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def features(result: Ranked, margin: float) -> tuple[float, ...]:
    """What the calibration weighs, in FEATURES order; the last one is the bias."""
    e, cover = result.evidence, result.message_cover
    margin = max(-MARGIN_CAP, min(margin, MARGIN_CAP))  # one lone candidate proves little more
    flags = (float(result.template), float(result.mismatch), float(result.vague))
    shared = (float(result.shared), float(is_generic(result.matched_symptom)))
    gaps, said = (float(result.errno_clash), result.frame_gap, result.entry_gap), result.sentence
    parts = (e * cover, result.query_cover, result.surface, *shared, *gaps)
    return (e, cover, margin, *flags, *parts, float(said), float(said) * e, 1.0)
