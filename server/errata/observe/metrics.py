"""Prometheus metrics, served at `/metrics` with prometheus-client.

Two ways to run several processes (documented in the README):

- `PROMETHEUS_MULTIPROC_DIR` set (before the processes start, to an empty folder they share):
  prometheus-client's multiprocess mode; any process answers `/metrics` with the sum of all.
- Otherwise each process keeps its own registry and labels every sample `process="<pid>"`;
  scrape every process (or sum by everything but `process`).

Counters (requests, MCP tool calls, searches, rate-limit refusals) are counted where they
happen. Figures that live in the database (verification queue, runs, submissions) or in the
index are read when `/metrics` is scraped, so they agree across processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from ..services import Services

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
# In multiprocess mode the metrics live in the default registry's files; otherwise here.
OWN = CollectorRegistry(auto_describe=True)
_REG = None if MULTIPROCESS else OWN
_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "errata_http_requests", "HTTP requests", ["route", "method", "status"], registry=_REG
)
REQUEST_SECONDS = Histogram(
    "errata_http_request_duration_seconds",
    "HTTP request latency",
    ["route", "method"],
    buckets=_LATENCY,
    registry=_REG,
)
TOOL_CALLS = Counter("errata_mcp_tool_calls", "MCP tool calls", ["tool", "status"], registry=_REG)
TOOL_SECONDS = Histogram(
    "errata_mcp_tool_duration_seconds",
    "MCP tool call latency (the whole HTTP request)",
    ["tool"],
    buckets=_LATENCY,
    registry=_REG,
)
SEARCHES = Counter(
    "errata_searches",
    "Searches answered, by status and input kind",
    ["status", "kind"],
    registry=_REG,
)
RATE_REFUSALS = Counter(
    "errata_rate_limit_refusals", "Requests refused by a rate limit", ["action"], registry=_REG
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one HTTP request and its latency."""
    REQUESTS.labels(route, method, str(status)).inc()
    REQUEST_SECONDS.labels(route, method).observe(seconds)


def observe_tool(tool: str, status: int, seconds: float) -> None:
    """Count one MCP tool call (by the HTTP status of its request) and its latency."""
    TOOL_CALLS.labels(tool, "ok" if status < 400 else "error").inc()
    TOOL_SECONDS.labels(tool).observe(seconds)


def input_kind(query: str) -> str:
    """A simple guess at what was pasted: a stack `trace`, a `log` excerpt or a `sentence`."""
    lines = [line for line in query.splitlines() if line.strip()]
    markers = ("Traceback", "\tat ", "    at ", 'File "', "goroutine ", "panicked at", "Caused by")
    if any(marker in query for marker in markers):
        return "trace"
    return "log" if len(lines) > 1 or any(":" in line[:40] for line in lines) else "sentence"


def observe_search(status: str, query: str) -> None:
    """Count one answered search by status and input kind (the query is not kept)."""
    SEARCHES.labels(status, input_kind(query)).inc()


def observe_refusal(action: str) -> None:
    """Count one request refused by a rate limit."""
    RATE_REFUSALS.labels(action).inc()


class _ProcessLabel(Collector):
    """This process's own registry, with `process="<pid>"` on every sample."""

    def collect(self) -> Iterator[Metric]:
        pid = str(os.getpid())
        for family in OWN.collect():
            labelled = Metric(family.name, family.documentation, family.type, family.unit)
            for s in family.samples:
                labels = {**s.labels, "process": pid}
                labelled.add_sample(s.name, labels, s.value, s.timestamp, s.exemplar)
            yield labelled


class _StateCollector(Collector):
    """Figures read at scrape time: the index of this process, and the shared database."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        yield from self._index()
        yield from self._database()

    def _index(self) -> Iterable[Metric]:
        index = self.services.index
        if index is None:
            return
        state = index.state
        yield _gauge(
            "errata_index_revision",
            "Entry revision the index was built at",
            float(state.revision or 0),
        )
        yield _gauge("errata_index_entries", "Entries in the search index", float(len(state.ids)))
        yield _gauge(
            "errata_index_last_refresh_timestamp_seconds",
            "When this process first served the current index (Unix time)",
            _first_seen(id(state)),
        )

    def _database(self) -> Iterable[Metric]:
        from .. import store

        with self.services.database.read() as session:
            depth = store.queue_depth(session=session)
            runs = store.run_totals(session=session)
            states = store.submission_states(session=session)
        yield _gauge(
            "errata_verification_queue_depth", "Verification jobs queued or running", float(depth)
        )
        count = GaugeMetricFamily(
            "errata_verification_runs", "Verification runs stored, by status", labels=["status"]
        )
        seconds = GaugeMetricFamily(
            "errata_verification_run_seconds",
            "Total duration of stored verification runs, by status",
            labels=["status"],
        )
        for status, n, total in runs:
            count.add_metric([status], float(n))
            seconds.add_metric([status], total)
        subs = GaugeMetricFamily("errata_submissions", "Submissions by state", labels=["state"])
        for status, n in states:
            subs.add_metric([status], float(n))
        yield from (count, seconds, subs)


_seen: dict[int, float] = {}


def _first_seen(key: int) -> float:
    if key not in _seen:
        _seen.clear()
        _seen[key] = time.time()
    return _seen[key]


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def exposition(services: Services) -> bytes:
    """Every metric in the Prometheus text format."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessLabel())
    registry.register(_StateCollector(services))
    return generate_latest(registry)
