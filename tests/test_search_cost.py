"""No query, however crafted, costs more than a bounded amount of normalization CPU.

Inputs are built from each search pattern's own alphabet (`tests/pathological.py`), plus the
units of the reported attack (`a-a-a-...-a/000123` cost about 30 s for one megabyte).
"""

from __future__ import annotations

import time

import pytest
from errata.search.limits import LAST_LINES, TAIL_SHARE, clip, read_order
from errata.search.normalize import MAX_CLASSIFY_CHARS, MAX_LINE_CHARS, normalize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pathological import (
    BAD_UNITS,
    alphabet,
    bad_unit_input,
    literals,
    pathological,
    pattern_input,
    search_patterns,
    units,
)

MEGABYTE = 1_000_000
LIMIT_SECONDS = 0.3
PATTERNS = search_patterns()


def _cpu_seconds(text: str, **options: float) -> float:
    start = time.process_time()
    normalize(text, **options)
    return time.process_time() - start


@pytest.mark.parametrize("width", [MAX_LINE_CHARS, MAX_CLASSIFY_CHARS])
@pytest.mark.parametrize("unit", BAD_UNITS)
def test_a_megabyte_of_the_reported_attack_normalizes_within_the_limit(
    unit: str, width: int
) -> None:
    assert _cpu_seconds(bad_unit_input(unit, size=MEGABYTE, width=width)) <= LIMIT_SECONDS


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_megabyte_built_from_a_patterns_alphabet_normalizes_within_the_limit(name: str) -> None:
    text = pattern_input(PATTERNS[name], size=MEGABYTE, width=MAX_LINE_CHARS)
    assert _cpu_seconds(text) <= LIMIT_SECONDS


_HEADS = sorted({head for p in PATTERNS.values() for head in literals(p)} | {""})
_UNITS = sorted({unit for p in PATTERNS.values() for unit in units(p)} | set(BAD_UNITS))
_TAILS = sorted({char for p in PATTERNS.values() for char in alphabet(p)})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.sampled_from(_HEADS),
    unit=st.sampled_from(_UNITS),
    tail=st.sampled_from(_TAILS),
    width=st.integers(min_value=20, max_value=MAX_CLASSIFY_CHARS + 100),
)
def test_normalizing_costs_time_in_proportion_to_the_text_without_any_budget(
    head: str, unit: str, tail: str, width: int
) -> None:
    # 50 KB with the budget off: linear patterns take ~30 ms here (up to ~170 ms on a loaded
    # CI machine), the quadratic ones over a second, so the limit separates them with room.
    text = pathological([unit], tail, size=50_000, width=width, heads=[head])
    assert _cpu_seconds(text, cpu_seconds=1e9) <= LIMIT_SECONDS


class _SpentAfter:
    """A budget that is mostly spent after `mostly` looks and wholly after `wholly`."""

    def __init__(self, mostly: int, wholly: int) -> None:
        self.looks = {TAIL_SHARE: mostly, 1.0: wholly}

    def spent(self, share: float = 1.0) -> bool:
        self.looks[share] -= 1
        return self.looks[share] < 0


def test_a_paste_over_budget_is_read_from_its_start_then_its_last_lines() -> None:
    order = list(read_order(100_000, _SpentAfter(mostly=3, wholly=1_000)))
    assert order[:48] == list(range(48))
    assert order[48:] == list(range(100_000 - LAST_LINES, 100_000))


def test_reading_stops_when_the_budget_is_spent() -> None:
    assert len(list(read_order(100_000, _SpentAfter(mostly=1_000, wholly=2)))) == 32


def test_a_long_line_keeps_its_head_and_its_error_at_the_end() -> None:
    line = "ERROR worker failed " + "x=1 " * 2_000 + "ConnectionRefusedError: refused"
    clipped = clip(line, MAX_LINE_CHARS)
    assert len(clipped) == MAX_LINE_CHARS
    assert clipped.startswith("ERROR worker failed") and clipped.endswith("refused")
    assert "connectionrefusederror" in normalize(line).tokens


def test_a_megabyte_query_still_keeps_its_error_line() -> None:
    text = bad_unit_input("a-", size=MEGABYTE, width=MAX_LINE_CHARS)
    norm = normalize(text + "\nRuntimeError: Event loop is closed")
    assert "RuntimeError" in norm.exception_types
