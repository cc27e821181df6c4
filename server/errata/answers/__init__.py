"""Answers shaped for agents: brief by default (root cause and one recommended fix), full on
request, as compact JSON or Markdown text."""

from __future__ import annotations

from .shape import (
    NOTICE,
    BriefAnswer,
    BriefMatch,
    Candidate,
    Detail,
    Format,
    FullAnswer,
    RecommendedFix,
    ResultLine,
    brief_answer,
    differential,
    full_answer,
    next_step,
    recommended,
    shape,
    verification_line,
)
from .text import as_text

__all__ = [
    "NOTICE",
    "BriefAnswer",
    "BriefMatch",
    "Candidate",
    "Detail",
    "Format",
    "FullAnswer",
    "RecommendedFix",
    "ResultLine",
    "as_text",
    "brief_answer",
    "differential",
    "full_answer",
    "next_step",
    "recommended",
    "shape",
    "verification_line",
]
