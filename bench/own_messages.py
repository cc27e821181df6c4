"""The messages the entries themselves list, each searched alone: a ceiling on the threshold.

A knowledge base that is unsure of the very messages it lists answers nobody: whatever the
uncovered budget asks, at least half of the entries' own printed messages (an error line, not a
sentence; not a message of many causes, `evidence.is_generic`), each searched on its own and
ranking its entry first, stay confident. The threshold is at most the 0.01-grid floor of their
median calibrated score less MARGIN: a bare exact message scores the same whatever its entry,
so the median sits in that cluster, and a refit that moves it by a hair must not flip the whole
cluster across the threshold.
"""

from __future__ import annotations

import math
import statistics
import tomllib
from pathlib import Path
from typing import Any

from errata.search import normalize
from errata.search.evidence import is_generic
from errata.search.rank import Ranked, order

KEPT_SHARE = 0.5  # of the own messages that rank their entry first, this many stay confident
MARGIN = 0.005  # half a grid step below their median


def own_messages(entries_dir: Path) -> list[dict[str, Any]]:
    """Every entry's printed, single-cause symptoms as cases expecting that entry."""
    cases = []
    for path in sorted(entries_dir.glob("*/entry.toml")):
        entry = tomllib.loads(path.read_text(encoding="utf-8"))
        for symptom in entry["symptoms"]:
            if normalize(symptom).key_lines and not is_generic(symptom):
                cases.append({"query": symptom, "expected": entry["id"]})
    return cases


def ceiling(cases: list[dict], candidates: list[list[Ranked]], weights: tuple[float, ...]) -> float:
    """The highest threshold (0.01 grid) that keeps KEPT_SHARE of the own messages that rank
    their entry first (and share it with no other) confident with these weights."""
    scores = []
    for case, ranked in zip(cases, candidates, strict=True):
        top = order(list(ranked), weights, 1.0)[:1]
        if top and top[0].id == case["expected"] and not top[0].shared:
            scores.append(top[0].score)
    if not scores:
        return 1.0
    kept = statistics.quantiles(scores, n=100, method="inclusive")[
        round(100 * (1 - KEPT_SHARE)) - 1
    ]
    return math.floor((kept - MARGIN) * 100 + 1e-9) / 100
