"""Search latency with 0 and with 4 verifications running CPU-bound snippets in the sandbox.

    .venv/bin/python bench/verify_load.py [--entries 5000] [--queries 400] [--http]

Builds a temporary SQLite database with generated entries (plus the repository's own), builds
the search index, then measures search p50/p99 idle, and again while the runner's workers
(concurrency 4, jobs claimed from the database exactly as a server does) each run a snippet
that spins the CPU. In-process by default (the search function REST calls); with `--http` the
searches go through a real uvicorn on 127.0.0.1 whose own harness runs the jobs. The goal: with
4 running, search p99 within 2x of idle. Every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from errata import store  # noqa: E402
from errata.config import Settings  # noqa: E402
from errata.db import Database  # noqa: E402
from errata.models import EntryDraft  # noqa: E402
from errata.search import SearchIndex, search  # noqa: E402
from errata.services import make_harness  # noqa: E402
from errata.sync import prepare_database  # noqa: E402

# Longer than a measurement (asserted), short enough that a stopped harness's threads end soon.
SPIN_SECONDS = 20
SPIN = """def spin(seconds):
    import time

    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += sum(range(500))
    return n
"""
SPIN_CHECK = (
    f"from errata_check import load_snippet\nassert load_snippet()['spin']({SPIN_SECONDS}) > 0\n"
)
ERRORS = [
    "TimeoutError",
    "KeyError",
    "ValueError",
    "ConnectionResetError",
    "RuntimeError",
    "OSError",
]
WORDS = ["lock", "pool", "worker", "queue", "socket", "cache", "token", "thread", "loop"]


def generated_drafts(count: int, seed: int = 7) -> list[EntryDraft]:
    """Entries with noisy, distinct symptoms (a search corpus, not real knowledge)."""
    rng = random.Random(seed)
    drafts = []
    for n in range(count):
        words = rng.sample(WORDS, 4)
        error = rng.choice(ERRORS)
        symptoms = [
            f"{error}: {words[0]} {words[1]} failed after {rng.randint(1, 999)} attempts (id {n})",
            f"{words[2]} {words[3]} stalls while {words[0]} is held by worker {n % 97}",
        ]
        drafts.append(
            EntryDraft.model_validate(
                {
                    "id": f"generated-{n}",
                    "title": f"{error} in {words[0]} {words[1]} {n}",
                    "symptoms": symptoms,
                    "root_cause": "Generated for the benchmark.",
                    "source": "bench",
                    "fixes": [{"id": "fix", "title": "Fix"}],
                }
            )
        )
    return drafts


def prepare(folder: Path, entries: int) -> tuple[Settings, Database, list[str]]:
    """A database with the corpus and one CPU-bound entry per verification slot."""
    settings = Settings(
        data_dir=folder / "data",
        entries_dir=folder / "entries",  # empty: the corpus is generated
        verify_concurrency=4,
        verify_timeout_seconds=SPIN_SECONDS + 30,
    )
    settings.entries_dir.mkdir(parents=True, exist_ok=True)
    database = prepare_database(settings)
    drafts = generated_drafts(entries)
    for start in range(0, len(drafts), 500):
        with database.write() as session:
            for draft in drafts[start : start + 500]:
                store.upsert_entry(session=session, draft=draft, from_files=False)
            store.bump_revision(session=session)
    spinners = [f"cpu-spinner-{i}" for i in range(4)]
    for entry_id in spinners:
        spin = {"id": "spin", "file": "spin.py", "code": SPIN, "check_code": SPIN_CHECK}
        draft = EntryDraft.model_validate(
            {
                "id": entry_id,
                "title": "CPU-bound snippet",
                "symptoms": ["benchmark only"],
                "root_cause": "A snippet that spins the CPU.",
                "source": "bench",
                "fixes": [{"id": "spin", "title": "Spin", "snippets": [spin]}],
            }
        )
        with database.write() as session:
            store.upsert_entry(session=session, draft=draft, from_files=False)
    queries = [f'{d.symptoms[0]}\n  File "/srv/app/{n}.py", line {n}' for n, d in enumerate(drafts)]
    random.Random(3).shuffle(queries)
    return settings, database, queries


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    """p50 and p99 of the samples."""
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def measure(run_one: Callable[[str], None], queries: list[str], count: int) -> tuple[float, float]:
    """Time `count` searches (after a short warm-up); p50 and p99 in ms."""
    for query in queries[:20]:
        run_one(query)
    samples = []
    for i in range(count):
        begin = time.perf_counter()
        run_one(queries[i % len(queries)])
        samples.append((time.perf_counter() - begin) * 1000)
    return percentiles(samples)


def wait_running(describe: Callable[[], dict], want: int, within: float = 60) -> None:
    """Wait (bounded) until `want` verifications are running."""
    deadline = time.monotonic() + within
    while describe().get("running", 0) < want:
        if time.monotonic() > deadline:
            raise SystemExit(
                f"only {describe().get('running')} verifications started in {within} s"
            )
        time.sleep(0.1)


def in_process(
    settings: Settings, database: Database, queries: list[str], count: int
) -> dict[str, tuple[float, float]]:
    """Measure the search function directly, with a harness in a background event loop."""
    index = SearchIndex.build(database)
    idle = measure(lambda q: search(index, database, q), queries, count)
    harness = make_harness(settings, database)
    harness.ensure_sandbox()
    if not harness.describe()["available"]:
        raise SystemExit(f"sandbox unavailable: {harness.describe()['reason']}")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(harness.start(), loop).result(30)
    try:
        for i in range(4):
            harness.enqueue("entry", f"cpu-spinner-{i}")
        wait_running(harness.describe, 4)
        busy = measure(lambda q: search(index, database, q), queries, count)
        assert harness.describe()["running"] == 4, "a verification ended during the measurement"
    finally:
        asyncio.run_coroutine_threadsafe(harness.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        _kill_leftovers()
    return {"idle": idle, "busy": busy}


def _kill_leftovers() -> None:
    """Runs cut short by stop() end with their cgroup; sweep what a dead harness left."""
    from errata.harness import cgroups

    cgroups.sweep_stale()


def over_http(settings: Settings, queries: list[str], count: int) -> dict[str, tuple[float, float]]:
    """Measure GET /api/search on a real uvicorn whose own harness runs the spinners."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "ERRATA_DATA_DIR": str(settings.data_dir),
        "ERRATA_ENTRIES_DIR": str(settings.entries_dir),
        "ERRATA_VERIFY_CONCURRENCY": "4",
        "ERRATA_VERIFY_TIMEOUT_SECONDS": str(SPIN_SECONDS + 30),
        "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "errata.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)

            def one(query: str) -> None:
                client.get("/api/search", params={"q": query}).raise_for_status()

            idle = measure(one, queries, count)
            for i in range(4):
                assert client.post(f"/api/entries/cpu-spinner-{i}/verify").status_code == 202
            wait_running(lambda: client.get("/api/health").json()["verification"], 4)
            busy = measure(one, queries, count)
            assert client.get("/api/health").json()["verification"]["running"] == 4
    finally:
        server.terminate()
        server.wait(30)
        _kill_leftovers()
    return {"idle": idle, "busy": busy}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--http", action="store_true", help="search over HTTP on a real uvicorn")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="errata-verify-load-"))
    try:
        settings, database, queries = prepare(folder, args.entries)
        if args.http:
            database.dispose()
            figures = over_http(settings, queries, args.queries)
            where = "GET /api/search over HTTP (uvicorn, 1 process)"
        else:
            figures = in_process(settings, database, queries, args.queries)
            where = "search() in process"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    (idle50, idle99), (busy50, busy99) = figures["idle"], figures["busy"]
    ratio = busy99 / idle99 if idle99 else float("inf")
    print(f"{where}, {args.entries} generated entries, {args.queries} searches each")
    print(f"  0 verifications: p50 {idle50:.2f} ms  p99 {idle99:.2f} ms")
    print(f"  4 verifications: p50 {busy50:.2f} ms  p99 {busy99:.2f} ms  (CPU-bound snippets)")
    print(f"  p99 ratio {ratio:.2f}x (goal: within 2x) -> {'ok' if ratio <= 2 else 'MISSED'}")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
