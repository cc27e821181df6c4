"""Rerank bm25 candidates against each symptom string and calibrate a 0..1 score.

A symptom's score mixes how much of the symptom the query contains, how much of the query's
error lines the symptom explains, and rapidfuzz's similarity of the two; an exact message
template or a shared exception type lifts it. Outcome reports nudge the calibrated score
(OUTCOME_WEIGHT): they break near-ties only. The calibration also weighs how much of the
query the symptom explains, how closely a short sentence follows the symptom's words, what
separates a message from a cause (evidence.py): a message several causes print (whose own
words and lone lead then count for less), a different errno, a trace whose words the entry
never uses, how much of the trace around the message the entry's other symptoms mention, and
which entry the query's words point to (word_model.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from operator import mul
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .evidence import (
    errno_clash,
    mark_shared,
    markup_body,
    masked_lower,
    same_message,
    token_clash,
)
from .index import SearchIndex
from .known import Context, contexts
from .normalize import Normalized, normalize
from .prepared import Prepared, known_ids, prepare
from .reasons import explain, template_flags
from .score import Rows, Scored, best_rows, score_rows
from .snapshot import Snapshot as _State
from .word_model import WordModel, shipped, stop_words

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
    "sentence_x_cover",
    "sentence_x_query_cover",
    "sentence_x_margin",
    "sentence_x_telling",
    "support",
    "generic_x_support",
    "generic_x_cover",
    "generic_x_template",
    "generic_x_margin",
    "words",
    "words_logit",
    "words_top",
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
WORDS = shipped()
WORDS_FLOOR = 0.001  # the word model's probability is read as a logit within [floor, 1 - floor]
MARGIN_CAP = 0.3
TELLING_CAP = 3  # telling words beyond this many prove no more
# below this share of the query, the words around a generic message that the entry knows do
# not name its cause (a file name, a library's frame)
BARE_CONTEXT = 0.1
MIN_SCORE = 0.12  # below this a candidate is not worth showing at all
CANDIDATES = 12  # bm25 ranks well; rerank a short list (fingerprint hits are added)
OUTCOME_WEIGHT = 0.02
TERSE_WORDS = 6  # a sentence shorter than this names a cause only through a telling word


@dataclass(slots=True)
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
    terse: bool = False  # ... of fewer than TERSE_WORDS words
    shared: bool = False  # another candidate lists the same message: a differential (evidence.py)
    # query and symptom name different errnos, or a JSON parser stopping at different characters
    errno_clash: bool = False
    frame_gap: float = 0.0  # share of the query's known frame words the entry never mentions
    entry_gap: float = 0.0  # ... of all the query's known words (a trace's context)
    telling: int = 0  # query words that at most two entries list, this one among them
    support: float = 0.0  # share of the query outside the symptom the entry mentions elsewhere
    context: float = 0.0  # what that support covers as a share of the whole query
    generic: bool = False  # that symptom is a message several causes print (evidence.py)
    words: float = 0.0  # the word model's probability that the query is this entry's
    words_top: bool = False  # ... the highest it gives any entry
    outcome: float = 0.0  # what agents reported of its fixes (store.outcome_scores): a nudge
    row: int = field(default=-1, repr=False, compare=False)  # the matched row, for `why`
    row_ids: Any = field(default=None, repr=False, compare=False)  # its distinct token ids


def surface_similarity(sentence: str, symptom: str) -> float:
    """How closely a sentence's own words, stopwords and numbers included, follow a symptom's
    (0..1). Sorted-token similarity, not partial: a one-word query ("slow", "lock") does not
    score 1 against every symptom that contains the word."""
    if not sentence:
        return 0.0
    return fuzz.token_sort_ratio(sentence, masked_lower(symptom)) / 100


@dataclass
class _Found:
    """The candidate rows and their scores as Python values, read once per search (a numpy
    scalar costs more to read than the work done with it)."""

    rows: Rows
    row_ids: list[int]
    first: list[int]  # token_first
    specific: list[bool]
    generic: list[bool]
    score: list[float]
    message_cover: list[float]
    query_cover: list[float]

    @classmethod
    def of(cls, rows: Rows, scored: Scored) -> _Found:
        """Both as lists."""
        return cls(
            rows, rows.rows.tolist(), rows.token_first.tolist(), rows.specific.tolist(),
            rows.generic.tolist(), scored.score.tolist(), scored.message_cover.tolist(),
            scored.query_cover.tolist(),
        )  # fmt: skip


def _ranked(
    state: _State, query: Prepared, position: int, found: tuple[_Found, int, float], gaps: Context
) -> Ranked:
    """The Ranked of one candidate from its best row (its `why` is built if it is shown)."""
    at, i, best = found
    frame_gap, entry_gap, telling, support, context = gaps
    row = at.row_ids[i]
    template, mismatch = template_flags(query, row)
    symptom = state.row_text(row)
    return Ranked(
        position,
        state.entry_id(position),
        best,
        False,
        symptom,
        "",
        best,
        at.message_cover[i],
        template,
        mismatch,
        not at.specific[i],
        query_cover=at.query_cover[i],
        surface=surface_similarity(query.surface_text, symptom) if query.surface_text else 0.0,
        sentence=query.is_sentence,
        terse=query.is_sentence and len(query.surface_text.split()) < TERSE_WORDS,
        errno_clash=(bool(query.errnos) and errno_clash(query.errnos, symptom))
        or token_clash(query.parser_stops, symptom),
        frame_gap=frame_gap,
        entry_gap=entry_gap,
        telling=telling,
        support=support,
        context=context,
        generic=(at.generic[i] or query.generic_message)
        and not (query.shows_markup and markup_body(symptom)),
        row=row,
        row_ids=at.rows.tokens[at.first[i] : at.first[i + 1]],
    )


def _margins(ranked: list[Ranked], dropped: float) -> None:
    """Each candidate's evidence over the best other candidate's (over `dropped` when alone)."""
    evidence = [r.evidence for r in ranked]
    if len(evidence) == 1:
        ranked[0].margin = evidence[0] - dropped
        return
    top = max(evidence)
    at = evidence.index(top)
    second = max(evidence[:at] + evidence[at + 1 :])
    for j, result in enumerate(ranked):
        result.margin = result.evidence - (second if j == at else top)


def _read_words(ranked: list[Ranked], query: Normalized, model: WordModel) -> None:
    """Each candidate's word-model probability, and whether it is the model's first choice.
    An entry the model was not fitted on (approved since) reads as the model's first choice
    reads, or, when the model is unsure of every entry it knows, as the share it leaves to
    the others (1 - first): a new entry's own message, which no fitted entry explains, stays
    sure, and a contributed copy of a fitted entry's symptom only ties with it. The model's
    first choice may be no entry (word_model.NO_ENTRY): then no candidate is its first."""
    probabilities = model.probabilities(query.text, stop_words(query.parser_stops))
    if not probabilities:
        return
    first = max(probabilities.values())
    unfitted = max(first, 1.0 - first)
    for result in ranked:
        result.words = probabilities.get(result.id, unfitted)
        result.words_top = result.words >= first


def _rerank(
    index: SearchIndex, query: Normalized, language: str | None, words: WordModel | None = None
) -> tuple[_State, Prepared, list[Ranked]]:
    """`rerank` without the `why` texts, with the state and prepared query that explain them."""
    state = index.state
    known = known_ids(state.vocab, query)
    positions, word_rows, masked_rows = index.candidates(state, query, CANDIDATES, language, known)
    prepared = prepare(state, query, word_rows, masked_rows, known)
    if not positions:
        return state, prepared, []
    rows = state.gather(positions)
    arrays = prepared.arrays(state)
    scored = score_rows(rows, arrays, state.weights, state.tokens_by_id, state.row_words)
    found = _Found.of(rows, scored)
    best_at = best_rows(rows.first.tolist(), found.score)
    gaps = contexts(state, prepared, rows, best_at, scored.places)
    ranked: list[Ranked] = []
    dropped = 0.0  # the best evidence not worth showing: a margin over it is no lone lead
    outcomes = state.outcomes(positions)
    for k, (position, i) in enumerate(zip(positions, best_at, strict=True)):
        best = found.score[i] if i >= 0 else 0.0
        if best < MIN_SCORE or i < 0:
            dropped = max(dropped, best)
        else:
            ranked.append(_ranked(state, prepared, position, (found, i, best), gaps[k]))
            ranked[-1].outcome = outcomes[k]
    ranked.sort(key=lambda r: (-round(r.evidence, 6), r.id))
    if ranked:
        _margins(ranked, dropped)
        _read_words(ranked, query, WORDS if words is None else words)
    mark_shared(ranked)
    return state, prepared, ranked


def _explained(state: _State, query: Prepared, ranked: list[Ranked]) -> list[Ranked]:
    for result in ranked:
        result.why = explain(state, query, result.row, result.row_ids.tolist())
    return ranked


def rerank(
    index: SearchIndex, query: Normalized, *, language: str | None, words: WordModel | None = None
) -> list[Ranked]:
    """Every candidate worth showing, best evidence first, with its margin; not yet calibrated
    (`words`: a word model other than the shipped one, as the calibration's folds read)."""
    return _explained(*_rerank(index, query, language, words))


def order(ranked: list[Ranked], weights: tuple[float, ...], threshold: float) -> list[Ranked]:
    """Calibrate every candidate's score with the given weights and sort by it."""
    for result in ranked:
        shifted = calibrate(result, result.margin, weights) + OUTCOME_WEIGHT * result.outcome
        result.score = round(max(0.0, min(1.0, shifted)), 4)
        result.confident = result.score >= threshold and not (alone(result) or vague(result))
    return sorted(ranked, key=lambda r: (-r.score, -r.evidence, r.id))


def alone(result: Ranked) -> bool:
    """A message that several causes print, matched with little around it in the query that
    this entry knows: never confident, whatever its score (evidence.GENERIC_MESSAGES)."""
    low = result.generic and result.context < BARE_CONTEXT  # the row's flag, from the build
    return low and _printed(result.matched_symptom)


def vague(result: Ranked) -> bool:
    """A sentence of a few words, none of which only this entry and one other use ("my workers
    are slow"): it names no single cause, whatever the score."""
    return result.terse and result.telling == 0


@lru_cache(maxsize=20_000)
def _printed(symptom: str) -> bool:
    """The symptom reads as programs print it (an error line or a frame), not as a sentence
    that names its cause in words."""
    read = normalize(symptom)
    return bool(read.key_lines or read.frames)


def undecided(ranked: list[Ranked]) -> list[bool]:
    """Per result, whether it belongs to the first result's differential: the first when its
    message is shared or generic and alone, then every other that lists the same message. A
    confident first result has none: what the trace shows around the message decided."""
    if not ranked or ranked[0].confident or not (ranked[0].shared or alone(ranked[0])):
        return [False] * len(ranked)
    first = ranked[0].matched_symptom
    return [True] + [r.shared and same_message(first, r.matched_symptom) for r in ranked[1:]]


def rank(
    index: SearchIndex, query: Normalized, *, limit: int, language: str | None
) -> list[Ranked]:
    """The best entries for a normalized query, scored 0..1, best first."""
    state, prepared, ranked = _rerank(index, query, language)
    return _explained(state, prepared, order(ranked, CALIBRATION, CONFIDENT_THRESHOLD)[:limit])


def calibrate(result: Ranked, margin: float, weights: tuple[float, ...] | None = None) -> float:
    """Confidence in 0..1: a logistic model of `features` (the best symptom's evidence, its
    coverage both ways, the margin over the next entry, what marks a message as generic)."""
    weights = CALIBRATION if weights is None else weights
    parts = features(result, margin)
    if len(parts) != len(weights):
        raise ValueError(f"{len(weights)} weights for {len(parts)} features")
    z = sum(map(mul, weights, parts))  # in order, as a sum of the products one by one
    return 1.0 / (1.0 + math.exp(-z))


def features(result: Ranked, margin: float) -> tuple[float, ...]:
    """What the calibration weighs, in FEATURES order; the last one is the bias. A generic
    message's own words and lone lead count for less (its products)."""
    e, cover, support = result.evidence, result.message_cover, result.support
    margin = max(-MARGIN_CAP, min(margin, MARGIN_CAP))  # one lone candidate proves little more
    template, generic = float(result.template), float(result.generic)
    # a sentence's words outside the symptom are mostly prose: weigh them against all of it
    outside = result.context if result.sentence else support
    return (
        e, cover, margin, template, float(result.mismatch), float(result.vague),
        e * cover, result.query_cover, result.surface, float(result.shared), generic,
        float(result.errno_clash), result.frame_gap, result.entry_gap,
        *_sentence(result, margin),
        outside, generic * support, generic * cover, generic * template, generic * margin,
        *_words(result), 1.0,
    )  # fmt: skip


def _words(result: Ranked) -> tuple[float, float, float]:
    """The word model's probability, as itself and as a bounded logit, and its first choice."""
    p = min(max(result.words, WORDS_FLOOR), 1 - WORDS_FLOOR)
    return result.words, math.log(p / (1 - p)), float(result.words_top)


_NO_SENTENCE = (0.0,) * 6


def _sentence(result: Ranked, margin: float) -> tuple[float, ...]:
    """A plain sentence's own terms: it paraphrases a symptom, so how much of the symptom it
    says, how much of it the symptom explains, its lead and its words that name a cause weigh
    differently than a trace's (0 for a trace)."""
    if not result.sentence:  # 0.0 times each part (a -0.0 adds to the sum as 0.0 does)
        return _NO_SENTENCE
    telling = min(result.telling, TELLING_CAP) / TELLING_CAP
    return (1.0, result.evidence, result.message_cover, result.query_cover, margin, telling)
