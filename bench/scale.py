"""The search index at scale: build, cold start, memory, latency, and an approval's way to a
second process, on bench/search.py's synthetic corpus (fixed seed).

    python bench/scale.py --sizes 100000                  # SQLite
    python bench/scale.py --sizes 100000 --postgres-url postgresql://...   # and PostgreSQL
    python bench/scale.py --sizes 100000,1000000 --json   # only the JSON lines

Per size and database, one JSON line with exactly the keys of `KEYS`. A serving process (a
child) builds its index from the database and answers queries; this process then approves a
new entry (one committed transaction) and the child, polling as the server's refresh loop
does, reports when a search finds it and the CPU it spent taking it in. A first child builds
the index and saves its file (build_s); the serving child starts from that file, so
cold_start_s is process start to first answered search from a persisted index.
Every loop is bounded (queries, polling deadline).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

KEYS = (
    "size", "db", "build_s", "cold_start_s", "rss_mb", "p50_ms", "p99_ms",
    "approve_to_searchable_ms", "approve_cpu_ms", "delta_equals_rebuild",
)  # fmt: skip
QUERY = "ZorblaxScaleError: the scale bench approval {n} stalled the quux pipeline"
POLL_DEADLINE_S = 60.0
COMPARE_UP_TO = 10**9  # above this size, skip the fresh build delta_equals_rebuild compares with


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def builder(url: str, data_dir: str) -> dict:
    """Build the index in full and save its file, as the first process on a machine does."""
    from errata.db import Database
    from errata.search import SearchIndex

    database = Database(url)
    t0 = time.perf_counter()
    index = SearchIndex.build(database, Path(data_dir))
    assert index.full_builds == 1
    database.dispose()
    return {"build_s": time.perf_counter() - t0}


def child(url: str, data_dir: str, size: int, queries: int, started: float) -> dict:
    """Serve: start from the file, search, then wait for the approval and compare with a
    fresh build."""
    from errata.db import Database
    from errata.search import SearchIndex, search

    database = Database(url)
    index = SearchIndex.build(database, Path(data_dir))
    search(index, database, QUERY.format(n=1))
    out: dict = {"cold_start_s": time.time() - started, "loaded": index.full_builds == 0}
    qs = _queries(size, queries)
    times = []
    for text, _ in qs:
        t1 = time.perf_counter()
        search(index, database, text, limit=5)
        times.append((time.perf_counter() - t1) * 1000)
    times.sort()
    out["p50_ms"], out["p99_ms"] = times[len(times) // 2], times[int(len(times) * 0.99)]
    out["rss_mb"] = _rss_mb()
    print("ready", flush=True)
    sys.stdin.readline()  # the parent has committed the approval
    out |= _take_in(index, database, search)
    if size > COMPARE_UP_TO:
        out["delta_equals_rebuild"] = None  # not measured: a second full build at this size
        database.dispose()
        return out
    fresh = SearchIndex.build(database)
    probes = [text for text, _ in qs[:50]] + [QUERY.format(n=0)]
    out["delta_equals_rebuild"] = all(
        _ids(search(index, database, q)) == _ids(search(fresh, database, q)) for q in probes
    )
    database.dispose()
    return out


def _queries(size: int, count: int) -> list[tuple[str, str]]:
    import search as corpus_bench

    return corpus_bench.queries(corpus_bench.corpus(size), count)


def _ids(response: object) -> list[tuple[str, float]]:
    return [(r.id, r.score) for r in response.results]  # type: ignore[attr-defined]


def _take_in(index: object, database: object, search: object) -> dict:
    """Poll as the refresh loop does until a search finds the approved entry."""
    deadline, cpu = time.monotonic() + POLL_DEADLINE_S, 0.0
    while time.monotonic() < deadline:
        c0 = time.process_time()
        changed = index.refresh_if_changed(database)  # type: ignore[attr-defined]
        cpu += time.process_time() - c0 if changed else 0.0
        found = search(index, database, QUERY.format(n=0)).results  # type: ignore[operator]
        if found and found[0].id == "scale-approved":
            return {"found_at": time.time(), "approve_cpu_ms": cpu * 1000}
        time.sleep(0.01)
    return {"found_at": float("nan"), "approve_cpu_ms": cpu * 1000}


def _approve(url: str) -> float:
    """Commit one new entry the way an approval does; the wall-clock time of the commit."""
    from errata import store
    from errata.db import Database
    from errata.models import EntryDraft, FixDraft, SnippetDraft

    draft = EntryDraft(
        id="scale-approved",
        title="Scale bench approval",
        symptoms=[QUERY.format(n=0)],
        root_cause="Synthetic.",
        source="bench",
        fixes=[
            FixDraft(
                id="fix",
                title="Fix it",
                snippets=[SnippetDraft(id="s", file="fix.py", code="print('ok')\n")],
            )
        ],
    )
    database = Database(url)
    with database.write() as session:
        store.upsert_entry(session=session, draft=draft, from_files=False)
        store.bump_revision(session=session)
    committed = time.time()
    database.dispose()
    return committed


def _stamp(url: str) -> None:
    """What a load of entries/ ends with: one revision bump that stamps every loaded entry."""
    from errata import store
    from errata.db import Database

    database = Database(url)
    with database.write() as session:
        store.bump_revision(session=session)
    database.dispose()


def run(size: int, db: str, url: str, queries: int) -> dict:
    """Fill the database, start the serving child, approve, and collect its figures."""
    import search as corpus_bench

    corpus_bench._fill_database(url, corpus_bench.corpus(size))
    _stamp(url)
    with tempfile.TemporaryDirectory() as data_dir:
        built = subprocess.run(
            [sys.executable, __file__, "--build", url, "--data-dir", data_dir],
            stdout=subprocess.PIPE, text=True, check=True,
        )  # fmt: skip
        out = _serve(url, data_dir, size, queries)
    out |= json.loads(built.stdout.strip().splitlines()[-1])
    out |= {"size": size, "db": db}
    return {key: out[key] for key in KEYS}


def _serve(url: str, data_dir: str, size: int, queries: int) -> dict:
    """Start the serving child from the saved file, approve, and read its figures."""
    args = [sys.executable, __file__, "--child", url, "--data-dir", data_dir, "--size", str(size)]
    with subprocess.Popen(
        [
            *args,
            "--queries",
            str(queries),
            "--compare-up-to",
            str(COMPARE_UP_TO),
            "--started",
            repr(time.time()),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"the serving process failed at {size:,} entries")
        committed = _approve(url)
        proc.stdin.write("go\n")
        proc.stdin.flush()
        out = json.loads(proc.stdout.read().strip().splitlines()[-1])
    if not out.pop("loaded"):
        raise SystemExit(f"the serving process did not start from the index file at {size:,}")
    out["approve_to_searchable_ms"] = (out.pop("found_at") - committed) * 1000
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres-url", default="", help="also run on this (emptied) database")
    parser.add_argument("--json", action="store_true", help="print only the JSON lines")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--compare-up-to", type=int, default=COMPARE_UP_TO)
    parser.add_argument("--child")
    parser.add_argument("--build")
    parser.add_argument("--data-dir")
    parser.add_argument("--size", type=int)
    parser.add_argument("--started", type=float)
    args = parser.parse_args()
    globals()["COMPARE_UP_TO"] = args.compare_up_to
    if args.build:
        print(json.dumps(builder(args.build, args.data_dir)))
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.data_dir, args.size, args.queries, args.started)))
        return 0
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            targets = [] if args.skip_sqlite else [("sqlite", f"sqlite:///{tmp}/errata.db")]
            if args.postgres_url:
                targets.append(("postgresql", args.postgres_url))
            for db, url in targets:
                if not args.json:
                    print(f"== {size:,} entries on {db}", flush=True)
                print(json.dumps(run(size, db, url, args.queries)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
