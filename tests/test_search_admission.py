"""The search gate: a token bucket per client and a bound on heavy searches at once."""

from __future__ import annotations

import threading
from contextlib import ExitStack

import pytest
from errata.config import SettingsError, load_settings
from errata.search.admission import (
    HEAVY_RETRY_SECONDS,
    AdmissionLimits,
    SearchAdmission,
    SearchRefused,
)

SMALL, HEAVY = 100, 50_000
DEADLINE = 10.0


class _Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _gate(clock: _Clock | None = None, **limits: int) -> SearchAdmission:
    values = {"rate_per_minute": 60, "burst": 3, "heavy_chars": 20_000, "heavy_concurrency": 1}
    return SearchAdmission(AdmissionLimits(**(values | limits)), clock=clock or _Clock())


def _search(gate: SearchAdmission, client: str = "a", chars: int = SMALL) -> None:
    with gate.admit(client, chars):
        pass


def test_a_client_over_its_burst_is_refused_with_the_wait_for_its_next_search() -> None:
    gate = _gate(rate_per_minute=30, burst=2)
    _search(gate)
    _search(gate)
    with pytest.raises(SearchRefused) as refused:
        _search(gate)
    assert refused.value.retry_after == 2  # 30 a minute: a token every 2 s


def test_searches_come_back_as_time_passes() -> None:
    clock = _Clock()
    gate = _gate(clock, rate_per_minute=60, burst=1)
    _search(gate)
    with pytest.raises(SearchRefused):
        _search(gate)
    clock.now += 1.0
    _search(gate)


def test_one_client_over_its_rate_does_not_hold_back_another() -> None:
    gate = _gate(burst=1)
    _search(gate, "a")
    with pytest.raises(SearchRefused):
        _search(gate, "a")
    _search(gate, "b")


def test_a_rate_of_zero_admits_every_search() -> None:
    gate = _gate(rate_per_minute=0, burst=1)
    for _ in range(100):
        _search(gate)


def test_a_heavy_search_over_the_bound_is_refused_at_once() -> None:
    gate = _gate(heavy_concurrency=1)
    with gate.admit("a", HEAVY), pytest.raises(SearchRefused) as refused:
        _search(gate, "b", HEAVY)
    assert refused.value.retry_after == HEAVY_RETRY_SECONDS
    assert "long queries" in str(refused.value)


def test_small_searches_pass_while_heavy_ones_hold_every_place() -> None:
    gate = _gate(heavy_concurrency=2, burst=10)
    with ExitStack() as running:
        running.enter_context(gate.admit("a", HEAVY))
        running.enter_context(gate.admit("b", HEAVY))
        for client in "cde":
            _search(gate, client, SMALL)


def test_a_heavy_search_frees_its_place_when_it_ends_even_by_an_error() -> None:
    gate = _gate(heavy_concurrency=1)
    with pytest.raises(ValueError), gate.admit("a", HEAVY):
        raise ValueError("the search failed")
    _search(gate, "b", HEAVY)


def test_a_heavy_search_refused_for_the_load_costs_the_client_no_token() -> None:
    gate = _gate(burst=1, heavy_concurrency=1)
    with gate.admit("a", HEAVY), pytest.raises(SearchRefused):
        _search(gate, "b", HEAVY)
    _search(gate, "b", SMALL)


def test_no_more_heavy_searches_run_at_once_than_the_bound_from_many_threads() -> None:
    gate = _gate(heavy_concurrency=2, rate_per_minute=0)
    outcomes: list[str] = []
    decided = threading.Condition()
    release = threading.Event()

    def search() -> None:
        try:
            with gate.admit("same-client", HEAVY):
                with decided:
                    outcomes.append("admitted")
                    decided.notify_all()
                assert release.wait(DEADLINE)
        except SearchRefused:
            with decided:
                outcomes.append("refused")
                decided.notify_all()

    threads = [threading.Thread(target=search) for _ in range(8)]
    for thread in threads:
        thread.start()
    with decided:
        assert decided.wait_for(lambda: len(outcomes) == 8, timeout=DEADLINE)
    release.set()
    for thread in threads:
        thread.join(DEADLINE)
    assert sorted(outcomes) == ["admitted"] * 2 + ["refused"] * 6


def test_the_burst_holds_when_one_client_searches_from_many_threads() -> None:
    gate = _gate(rate_per_minute=1, burst=10)
    admitted: list[bool] = []
    start = threading.Barrier(20)

    def search() -> None:
        start.wait(DEADLINE)
        try:
            _search(gate)
            admitted.append(True)
        except SearchRefused:
            admitted.append(False)

    threads = [threading.Thread(target=search) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert admitted.count(True) == 10 and admitted.count(False) == 10


def test_the_limits_come_from_the_environment() -> None:
    settings = load_settings(
        {
            "ERRATA_SEARCH_RATE_PER_MINUTE": "10",
            "ERRATA_SEARCH_BURST": "4",
            "ERRATA_HEAVY_SEARCH_CHARS": "5000",
            "ERRATA_HEAVY_SEARCH_CONCURRENCY": "2",
        }
    )
    assert AdmissionLimits.from_settings(settings) == AdmissionLimits(10, 4, 5000, 2)


def test_a_heavy_search_bound_of_zero_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="ERRATA_HEAVY_SEARCH_CONCURRENCY"):
        load_settings({"ERRATA_HEAVY_SEARCH_CONCURRENCY": "0"})
