"""A bounded load test of real `errata serve` processes on 127.0.0.1.

    .venv/bin/python bench/load.py [--clients 16] [--searches 40] [--verifications 4]
                                   [--submissions 20] [--backends sqlite,postgres] [--quick]

For each backend (SQLite file; PostgreSQL started here with tests/pgserver.py) and for 1 and 2
server processes on it: search p50/p99 with one client, then N concurrent search clients
(round-robin over the processes, a fixed count each) with nothing else running ("quiet"), then
the same N clients while M verification jobs run in the sandbox and a stream of submissions
arrives ("loaded"). Prints throughput and p50/p99 per endpoint, and the goal line: with 2
processes over PostgreSQL, 16 clients and 4 verifications, search p99 within 2x of the idle
single-process p99 (idle: the same clients, no verification running), no errors. The ratio
to the one-client p99 is printed too. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.cluster import copy_entries, server_env, submission  # noqa: E402
from tests.liveserver import LiveServer, run_server  # noqa: E402
from tests.pgserver import remove, start_postgres  # noqa: E402

PHASE_SECONDS = 240.0  # no phase runs longer, whatever the counts
SEED = "agent-holds-lock-too-long"


class Recorder:
    """Latencies and errors per endpoint, from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def call(self, client: httpx.Client, name: str, method: str, url: str, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            response = client.request(method, url, timeout=30, **kw)
            ok, detail = response.is_success, f"{response.status_code} {response.text[:120]}"
        except httpx.HTTPError as exc:
            response, ok, detail = None, False, repr(exc)
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[name].append(elapsed)
            if not ok:
                self.errors[name].append(detail)
        return response.json() if ok and response is not None else None


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def queries(limit: int) -> list[str]:
    """Real traces from the matching eval set."""
    lines = (ROOT / "bench" / "eval" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()][:limit]


def idle_searches(server: LiveServer, texts: list[str], count: int) -> list[float]:
    """One client, one search at a time: the idle latency."""
    rec = Recorder()
    with httpx.Client() as client:
        for i in range(count):
            rec.call(client, "search", "POST", f"{server.url}/api/search",
                     json={"query": texts[i % len(texts)]})  # fmt: skip
    assert not rec.errors["search"], rec.errors["search"][:3]
    return rec.times["search"]


def _search_client(rec: Recorder, urls: list[str], texts: list[str], n: int, offset: int) -> None:
    deadline = time.monotonic() + PHASE_SECONDS
    with httpx.Client() as client:
        for i in range(n):
            if time.monotonic() > deadline:
                return
            url = urls[(offset + i) % len(urls)]
            rec.call(client, "search", "POST", f"{url}/api/search",
                     json={"query": texts[(offset * 7 + i) % len(texts)]})  # fmt: skip


def _verifications(rec: Recorder, urls: list[str], m: int, done: threading.Event) -> None:
    """Queue m jobs, then follow them until they finish (or the phase ends)."""
    deadline = time.monotonic() + PHASE_SECONDS
    with httpx.Client() as client:
        jobs = []
        for i in range(m):
            body = rec.call(
                client, "verify", "POST", f"{urls[i % len(urls)]}/api/entries/{SEED}/verify"
            )
            if body:
                jobs.append(body["job_id"])
        pending = set(jobs)
        while pending and time.monotonic() < deadline and not done.is_set():
            for job_id in list(pending):
                status = client.get(f"{urls[0]}/api/jobs/{job_id}", timeout=30).json()["status"]
                if status in ("done", "error"):
                    pending.discard(job_id)
            time.sleep(0.5)
        with rec.lock:
            rec.times["verify-job-done"].append(float(len(jobs) - len(pending)))


def _submissions(rec: Recorder, urls: list[str], n: int, stop: threading.Event) -> None:
    with httpx.Client() as client:
        for i in range(n):
            if stop.is_set():
                return
            rec.call(client, "submit", "POST", f"{urls[i % len(urls)]}/api/submissions",
                     json=submission(10_000 + i, marker="Load"))  # fmt: skip
            time.sleep(0.1)


def loaded(servers: list[LiveServer], texts: list[str], args: argparse.Namespace) -> Recorder:
    """N search clients for a fixed count while verifications and submissions run."""
    rec = Recorder()
    urls = [s.url for s in servers]
    stop = threading.Event()
    background = [
        threading.Thread(target=_verifications, args=(rec, urls, args.verifications, stop)),
        threading.Thread(target=_submissions, args=(rec, urls, args.submissions, stop)),
    ]
    for thread in background:
        thread.start()
    time.sleep(1.0)  # let the sandbox runs start before the searches
    started = time.perf_counter()
    clients = [
        threading.Thread(target=_search_client, args=(rec, urls, texts, args.searches, i))
        for i in range(args.clients)
    ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(PHASE_SECONDS + 30)
    rec.times["_search_wall"] = [time.perf_counter() - started]
    stop.set()
    for thread in background:
        thread.join(PHASE_SECONDS + 30)
    return rec


def report(label: str, idle: list[float], quiet: Recorder, rec: Recorder) -> dict[str, float]:
    """Print one configuration's figures; return the search figures."""
    wall = rec.times.pop("_search_wall", [1.0])[0]
    jobs = rec.times.pop("verify-job-done", [0.0])[0]
    quiet_wall = quiet.times.pop("_search_wall", [1.0])[0]
    quiet.times.pop("verify-job-done", None)
    calm = quiet.times["search"]
    print(f"\n{label}: one-client search p50 {_pct(idle, 0.5):.1f} ms "
          f"p99 {_pct(idle, 0.99):.1f} ms; "
          f"quiet ({len(calm)} searches, no verification) p50 {_pct(calm, 0.5):.1f} ms "
          f"p99 {_pct(calm, 0.99):.1f} ms {len(calm) / quiet_wall:.0f} req/s; "
          f"loaded: verification jobs finished {jobs:.0f}")  # fmt: skip
    print(f"  {'endpoint':<8} {'count':>6} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for name, times in sorted(rec.times.items()):
        rate = len(times) / wall if name == "search" else float("nan")
        print(f"  {name:<8} {len(times):>6} {len(rec.errors[name]):>6} {rate:>8.1f} "
              f"{_pct(times, 0.5):>8.1f} {_pct(times, 0.99):>8.1f}")  # fmt: skip
        for error in rec.errors[name][:3]:
            print(f"    error: {error}")
    errors = sum(len(v) for v in rec.errors.values()) + sum(len(v) for v in quiet.errors.values())
    return {
        "one_client_p99": _pct(idle, 0.99),
        "idle_p99": _pct(calm, 0.99),
        "p99": _pct(rec.times["search"], 0.99),
        "errors": errors,
    }


def run_config(
    backend: str, processes: int, url: str, root: Path, texts: list[str], args: argparse.Namespace
) -> dict[str, float]:
    """Start `processes` servers on one database, measure idle then loaded."""
    extra = {
        "ERRATA_SANDBOX": "auto",
        "ERRATA_SUBMISSION_RATE_PER_MINUTE": "100000",
        "ERRATA_VERIFY_CONCURRENCY": "2",
        "ERRATA_VERIFY_QUEUE_SIZE": "1000",
    }
    entries = root / "entries"
    with ExitStack() as stack:
        servers = []
        for i in range(processes):
            data = root / f"data-{backend}" if backend == "sqlite" else root / f"data-{backend}-{i}"
            env = server_env(data, entries, url, **extra)
            log = root / f"{backend}-{processes}-{i}.log"
            servers.append(stack.enter_context(run_server(env, log)))
        idle = idle_searches(servers[0], texts, args.idle)
        calm = argparse.Namespace(**{**vars(args), "verifications": 0, "submissions": 0})
        quiet = loaded(servers, texts, calm)
        rec = loaded(servers, texts, args)
    return report(f"{backend}, {processes} process(es)", idle, quiet, rec)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--searches", type=int, default=40, help="searches per client")
    parser.add_argument("--idle", type=int, default=200, help="idle searches (one client)")
    parser.add_argument("--verifications", type=int, default=4)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--quick", action="store_true", help="a short run while developing")
    args = parser.parse_args()
    if args.quick:
        args.searches, args.idle, args.submissions = 15, 60, 8
    texts = queries(200)
    results: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="errata-load-") as folder:
        root = Path(folder)
        copy_entries(root / "entries", ())
        for backend in args.backends.split(","):
            pg = start_postgres() if backend == "postgres" else None
            try:
                for processes in (1, 2):
                    url = pg.create_database(f"load_{processes}") if pg else ""
                    results[backend, processes] = run_config(
                        backend, processes, url, root, texts, args
                    )
            finally:
                if pg is not None:
                    remove(pg)
    if ("postgres", 2) in results and ("postgres", 1) in results:
        base, two = results["postgres", 1]["idle_p99"], results["postgres", 2]
        ratio = two["p99"] / base if base else float("inf")
        verdict = "MET" if ratio <= 2.0 and two["errors"] == 0 else "NOT MET"
        one = results["postgres", 1]["one_client_p99"]
        print(f"\nGOAL ({verdict}): 2 processes over PostgreSQL, {args.clients} search clients, "
              f"{args.verifications} verifications: search p99 {two['p99']:.1f} ms = "
              f"{ratio:.2f}x the idle single-process p99 {base:.1f} ms "
              f"(same {args.clients} clients, no verification); errors {two['errors']:.0f}; "
              f"{two['p99'] / one:.2f}x the one-client p99 {one:.1f} ms")  # fmt: skip
    median = statistics.median(r["one_client_p99"] for r in results.values())
    print(f"(median one-client p99 across configs: {median:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
