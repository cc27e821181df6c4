"""Metrics and gaps with two real `errata serve` processes on one PostgreSQL database."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from errata import store
from errata.config import Settings
from errata.db import Database
from prometheus_client.parser import text_string_to_metric_families

from .cluster import TOKEN, call, copy_entries, server_env, submission
from .liveserver import LiveServer, run_server

QUERY = "Zorblax42FrobnicationError: quux pipeline stalled at stage 42 key sk-test-Q1w2E3r4T5y6U7"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """Only the seed entry."""
    return copy_entries(tmp_path / "entries")


def scrape(server: LiveServer) -> list[tuple[str, dict[str, str], float]]:
    """Every sample a process's `/metrics` gives a loopback client, parsed."""
    status, _, body = call("GET", f"{server.url}/metrics")
    assert status == 200, body
    return [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(body)
        for s in family.samples
    ]


def total(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    """The sum of one metric's samples whose labels include the given ones."""
    return sum(v for n, ls, v in samples if n == name and labels.items() <= ls.items())


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_label_their_counters_and_agree_on_shared_figures(
    tmp_path: Path, entries_dir: Path, postgres_url: str
) -> None:
    with ExitStack() as stack:
        a, b = (
            stack.enter_context(
                run_server(
                    server_env(tmp_path / f"data-{n}", entries_dir, postgres_url),
                    tmp_path / f"{n}.log",
                )
            )
            for n in ("a", "b")
        )
        before = scrape(a) + scrape(b)
        assert call("POST", f"{a.url}/api/search", {"query": QUERY})[2]["status"] == "no_match"
        assert call("POST", f"{b.url}/api/submissions", submission(42))[0] == 202
        database = Database.from_settings(Settings(database_url=postgres_url))
        with database.write() as session:
            store.record_run(session=session, snippet_slug="s", code_hash="h", status="passed")
        database.dispose()
        on_a, on_b = scrape(a), scrape(b)
        gaps = call("GET", f"{b.url}/api/gaps", token=TOKEN)[2]
    after = on_a + on_b
    searches = "errata_searches_total"
    assert (
        total(after, searches, status="no_match") == total(before, searches, status="no_match") + 1
    )
    processes = {ls["process"] for n, ls, _ in after if n == "errata_http_requests_total"}
    assert len(processes) == 2  # one registry per process, told apart by its label
    for name in ("errata_submissions", "errata_verification_runs"):
        assert total(on_a, name) == total(on_b, name) >= 1
    assert [g["count"] for g in gaps] == [1] and "sk-test" not in gaps[0]["example"]
