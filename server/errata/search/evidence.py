"""Evidence that separates one entry's cause from a message several causes print.

A message that two or more candidate entries list word for word (a pool timeout is owned by
a connection leak and by a lock held across slow work) proves the family, not the cause: each
such candidate is marked `shared`, the calibration weighs it, and the answer is a differential
(the candidates and what tells them apart) unless the rest of the trace decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rapidfuzz import fuzz

from .mask import mask

SAME_MESSAGE = 90  # one masked symptom this similar (0..100) to part of the other: one message
STRONG = 0.6  # evidence above which a candidate explains the message at all


class Candidate(Protocol):
    """What rank.Ranked offers here."""

    evidence: float
    matched_symptom: str
    shared: bool


def mark_shared(ranked: Sequence[Candidate]) -> None:
    """Mark every strong candidate whose matched message another strong candidate also lists
    (numbers, paths and quoted values masked)."""
    strong = [(r, mask(r.matched_symptom).lower()) for r in ranked if r.evidence >= STRONG]
    for result, text in strong:
        result.shared = any(
            other is not result and fuzz.partial_ratio(text, other_text) >= SAME_MESSAGE
            for other, other_text in strong
        )


def is_differential(ranked: Sequence[Candidate]) -> bool:
    """Two or more candidates list the query's message: the message alone cannot choose."""
    return sum(1 for r in ranked if r.shared) > 1
