"""Rerank bm25 candidates against each symptom string and calibrate a 0..1 score.

A symptom's score mixes how much of the symptom the query contains, how much of the query's
error lines the symptom explains, and rapidfuzz's similarity of the two; an exact message
template or a shared exception type lifts it. Outcome reports only break near-ties.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .index import SearchIndex, _State
from .mask import GENERIC_TYPES
from .normalize import Normalized

# Chosen on bench/eval/cases.jsonl with `python bench/eval.py --calibrate`: the lowest threshold
# keeping confident wrong answers <= 2%. With 26 entries and 159 cases (80 positive, 79 negative)
# it gave 0.72: recall@1 0.950, recall@3 0.988, MRR 0.967, confident-and-right 0.575 of
# positives, confident wrong 1.3% of negatives (1 of 79) and 0% of positives.
CONFIDENT_THRESHOLD = 0.72
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


@dataclass
class Ranked:
    """One ranked entry, before fixes are read from the database."""

    position: int
    id: str
    score: float
    confident: bool
    matched_symptom: str
    why: str


@dataclass
class _Query:
    ids: frozenset[int]  # the query's tokens that some entry has
    lines: list[tuple[frozenset[int], float, str]]  # per key line: known ids, unknown weight, text
    types: frozenset[str]
    is_sentence: bool
    word_rows: set[int]
    masked_rows: set[int]


def _prepare(state: _State, query: Normalized, word: set[int], masked: set[int]) -> _Query:
    vocab = state.vocab
    lines: list[tuple[frozenset[int], float, str]] = []
    for tokens in query.line_tokens or [query.tokens]:
        known = frozenset(vocab[t] for t in tokens if t in vocab)
        unknown = float(sum(state.unknown_weight for t in set(tokens) if t not in vocab))
        lines.append((known, unknown, " ".join(dict.fromkeys(tokens))))
    return _Query(
        ids=frozenset(vocab[t] for t in query.tokens if t in vocab),
        lines=lines[:MAX_FUZZ_LINES] or [(frozenset(), 0.0, "")],
        types=frozenset(t.lower() for t in query.exception_types) - GENERIC_TYPES,
        is_sentence=not query.key_lines and not query.frames,
        word_rows=word,
        masked_rows=masked,
    )


def _weight(weights: list[float], ids: frozenset[int] | set[int]) -> float:
    return sum(weights[i] for i in ids)


def score_row(state: _State, query: _Query, row: int) -> tuple[float, str]:
    """Score one symptom row against the query (0..1) and say why."""
    ids = state.row_tokens[state.token_start[row] : state.token_start[row + 1]].tolist()
    tokens = set(ids)
    shared = query.ids & tokens
    if not shared:
        return 0.0, ""
    weights = state.weights
    cov_symptom = _weight(weights, shared) / (_weight(weights, tokens) or 1)
    cov_query = max(
        _weight(weights, known & tokens) / ((_weight(weights, known) + unknown) or 1)
        for known, unknown, _ in query.lines
    )
    words = [state.tokens_by_id[i] for i in ids]
    text = " ".join(words)
    similarity = max(fuzz.token_sort_ratio(line, text) for _, _, line in query.lines) / 100
    q_exp = SENTENCE_QUERY_EXPONENT if query.is_sentence else 0.5
    score = W_COVERAGE * cov_query**q_exp * cov_symptom ** (1 - q_exp) + W_FUZZ * similarity
    if not state.row_specific[row]:
        score *= VAGUE_FACTOR
    reasons = []
    if row in query.word_rows:  # the same message, quoted type names included
        score = max(score, TEMPLATE_SCORE)
        reasons.append("same message")
    elif row in query.masked_rows:  # the same template around different type names
        score -= TEMPLATE_PENALTY
        reasons.append("same template, different type")
    common_types = query.types & set(words)
    if common_types:
        score += TYPE_LIFT * (1 - score) * min(1.0, cov_symptom * 2)
        reasons.append("exception type " + max(common_types, key=len))
    terms = sorted(shared, key=lambda i: -weights[i])[:6]
    reasons.append("shared terms: " + ", ".join(state.tokens_by_id[i] for i in terms))
    return max(0.0, min(score, 0.99)), "; ".join(reasons)


def rank(
    index: SearchIndex, query: Normalized, *, limit: int, language: str | None
) -> list[Ranked]:
    """The best entries for a normalized query, scored 0..1, best first."""
    state = index.state
    positions, word_rows, masked_rows = index.candidates(state, query, CANDIDATES, language)
    prepared = _prepare(state, query, word_rows, masked_rows)
    ranked: list[Ranked] = []
    for position in positions:
        first, title_row = state.row_start[position], state.row_start[position + 1] - 1
        best, why, best_row = 0.0, "", -1
        for row in range(first, title_row + 1):
            score, reason = score_row(state, prepared, row)
            if row == title_row and score < TEMPLATE_SCORE:
                score *= 0.9  # a title is a summary, weaker evidence than a symptom
            if score > best:
                best, why, best_row = score, reason, row
        best = max(0.0, min(1.0, best + OUTCOME_WEIGHT * float(state.outcome[position])))
        if best >= MIN_SCORE and best_row >= 0:
            symptoms = (*state.symptoms[position], state.titles[position])
            matched = symptoms[best_row - first]
            ranked.append(Ranked(position, state.ids[position], best, False, matched, why))
    ranked.sort(key=lambda r: (-round(r.score, 6), r.id))
    for result in ranked:
        result.score = round(result.score, 4)
        result.confident = result.score >= CONFIDENT_THRESHOLD
    return ranked[:limit]
