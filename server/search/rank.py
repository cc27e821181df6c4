"""Rerank bm25 candidates against each symptom string and calibrate a 0..1 score.

A symptom's score mixes how much of the symptom the query contains, how much of the query's
error lines the symptom explains, and rapidfuzz's similarity of the two; an exact message
template or a shared exception type lifts it. Outcome reports only break near-ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .index import SearchIndex, _State
from .mask import GENERIC_TYPES, is_specific
from .normalize import Normalized, normalize

# Chosen on bench/eval/cases.jsonl with `python bench/eval.py --calibrate`: the lowest threshold
# keeping confident wrong answers <= 2%. With 21 entries and 159 cases (80 positive, 79 negative)
# it gave 0.70: recall@1 0.963, recall@3 0.988, MRR 0.975, confident-and-right 0.60 of positives,
# confident wrong 1.3% of negatives (1 of 79) and 0% of positives.
CONFIDENT_THRESHOLD = 0.70
MIN_SCORE = 0.2  # below this a candidate is not worth showing at all
CANDIDATES = 12  # bm25 ranks well; rerank a short list (fingerprint hits are added)
OUTCOME_WEIGHT = 0.02
W_COVERAGE, W_FUZZ = 0.8, 0.2
SENTENCE_QUERY_EXPONENT = 0.65  # a sentence paraphrases part of a symptom: weigh what it says
TYPE_LIFT = 0.25
TEMPLATE_SCORE = 0.97
TEMPLATE_PENALTY = 0.15
VAGUE_FACTOR = 0.6  # a symptom with fewer than three telling words proves little alone
MAX_FUZZ_LINES = 4


@dataclass(frozen=True)
class SymptomInfo:
    """A symptom string, analysed once and cached."""

    text: str
    masked: str
    tokens: frozenset[str]
    types: frozenset[str]
    prints: frozenset[str]
    word_prints: frozenset[str]
    specific: bool


@dataclass
class Ranked:
    """One ranked entry, before fixes are read from the database."""

    position: int
    id: str
    score: float
    confident: bool
    matched_symptom: str
    why: str


@lru_cache(maxsize=50_000)
def analyze_symptom(text: str) -> SymptomInfo:
    """Normalize a symptom the way queries are normalized."""
    norm = normalize(text)
    return SymptomInfo(
        text=text,
        masked=norm.text.lower(),
        tokens=frozenset(norm.tokens),
        types=frozenset(t.lower() for t in norm.exception_types),
        prints=frozenset(norm.fingerprints),
        word_prints=frozenset(norm.word_fingerprints),
        specific=is_specific(norm.tokens),
    )


@dataclass
class _Query:
    tokens: frozenset[str]
    lines: list[frozenset[str]]
    types: frozenset[str]
    prints: frozenset[str]
    word_prints: frozenset[str]
    texts: list[str]
    is_sentence: bool


def _prepare(query: Normalized) -> _Query:
    texts = query.key_lines[:MAX_FUZZ_LINES] if query.key_lines else [query.text[:500]]
    lines = [frozenset(line) for line in query.line_tokens if line]
    return _Query(
        tokens=frozenset(query.tokens),
        lines=lines or [frozenset(query.tokens)],
        types=frozenset(t.lower() for t in query.exception_types),
        prints=frozenset(query.fingerprints),
        word_prints=frozenset(query.word_fingerprints),
        texts=[text.lower() for text in texts],
        is_sentence=not query.key_lines and not query.frames,
    )


def _weight(
    index: SearchIndex, state: _State, tokens: frozenset[str], cache: dict[str, float]
) -> float:
    total = 0.0
    for token in tokens:
        weight = cache.get(token)
        if weight is None:
            weight = cache[token] = index.token_weight(state, token)
        total += weight
    return total


def score_symptom(
    index: SearchIndex, state: _State, query: _Query, info: SymptomInfo, cache: dict[str, float]
) -> tuple[float, str]:
    """Score one symptom against the query (0..1) and say why."""
    shared = query.tokens & info.tokens
    if not shared:
        return 0.0, ""
    cov_symptom = _weight(index, state, shared, cache) / (
        _weight(index, state, info.tokens, cache) or 1
    )
    cov_query = max(
        _weight(index, state, line & info.tokens, cache) / (_weight(index, state, line, cache) or 1)
        for line in query.lines
    )
    similarity = max(fuzz.token_sort_ratio(text, info.masked) for text in query.texts) / 100
    q_exp = SENTENCE_QUERY_EXPONENT if query.is_sentence else 0.5
    score = W_COVERAGE * cov_query**q_exp * cov_symptom ** (1 - q_exp) + W_FUZZ * similarity
    if not info.specific:
        score *= VAGUE_FACTOR
    reasons = []
    if query.word_prints & info.word_prints:  # the same message, quoted names included
        score = max(score, TEMPLATE_SCORE)
        reasons.append("same message")
    elif query.prints & info.prints:  # the same template around different type names
        score -= TEMPLATE_PENALTY
        reasons.append("same template, different type")
    common_types = (query.types & info.types) - GENERIC_TYPES
    if common_types:
        score += TYPE_LIFT * (1 - score) * min(1.0, cov_symptom * 2)
        reasons.append("exception type " + max(common_types, key=len))
    terms = sorted(shared, key=lambda t: -cache.get(t, 0.0))[:6]
    reasons.append("shared terms: " + ", ".join(terms))
    return min(score, 0.99), "; ".join(reasons)


def rank(
    index: SearchIndex, query: Normalized, *, limit: int, language: str | None
) -> list[Ranked]:
    """The best entries for a normalized query, scored 0..1, best first."""
    state = index.state
    prepared = _prepare(query)
    cache: dict[str, float] = {}
    ranked: list[Ranked] = []
    for position in index.candidates(state, query, CANDIDATES, language):
        best, why, matched = 0.0, "", ""
        texts = (*state.symptoms[position], state.titles[position])
        for text in texts:
            score, reason = score_symptom(index, state, prepared, analyze_symptom(text), cache)
            if score > best:
                best, why, matched = score, reason, text
        if matched == state.titles[position] and best < TEMPLATE_SCORE:
            best *= 0.9  # a title is a summary, weaker evidence than a symptom
        best = max(0.0, min(1.0, best + OUTCOME_WEIGHT * float(state.outcome[position])))
        if best >= MIN_SCORE:
            ranked.append(Ranked(position, state.ids[position], best, False, matched, why))
    ranked.sort(key=lambda r: (-round(r.score, 6), r.id))
    for result in ranked:
        result.score = round(result.score, 4)
        result.confident = result.score >= CONFIDENT_THRESHOLD
    return ranked[:limit]
