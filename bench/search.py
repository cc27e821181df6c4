"""Search speed and accuracy on synthetic corpora: errata vs SQLite FTS5 bm25 vs a rapidfuzz scan.

    python bench/search.py                      # 1k and 10k entries, 200 queries (a short run)
    python bench/search.py --sizes 1000,10000,100000

Every method runs in its own child process on the same corpus and queries (fixed seed), so
peak memory is that process's peak RSS (corpus included). errata is measured in-process
(`search()`: normalize, rank, read the fixes of the returned entries from SQLite) and through
HTTP (the real app under uvicorn on 127.0.0.1, one request at a time). Loops are bounded:
the rapidfuzz scan gets at most `--scan-budget` seconds of queries.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20240501
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "vi",
    "so",
    "be",
    "da",
    "fe",
    "gi",
    "ho",
    "ju",
    "ly",
    "mo",
    "pa",
    "qi",
    "re",
    "su",
    "to",
    "un",
    "ve",
    "wa",
    "xo",
    "yo",
    "ze",
)


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def corpus(size: int) -> list[dict]:
    """`size` entries with 3-6 symptoms each, drawn from a fixed-seed vocabulary."""
    rng = random.Random(SEED)
    words = sorted({_word(rng, rng.randint(2, 4)) for _ in range(6000)})
    packages = sorted(
        {_word(rng, 2) + rng.choice(["db", "io", "net", "rt", ""]) for _ in range(400)}
    )
    kinds = ["Error", "Exception", "Timeout", "Failure"]
    excs = sorted(
        {_word(rng, 2).title() + _word(rng, 2).title() + rng.choice(kinds) for _ in range(3000)}
    )
    entries = []
    for i in range(size):
        pkg, exc = rng.choice(packages), rng.choice(excs)
        symptoms = []
        for _ in range(rng.randint(3, 6)):
            phrase = " ".join(rng.sample(words, rng.randint(5, 10)))
            if rng.random() < 0.7:
                symptoms.append(f"{pkg}.{exc}: {phrase} after {rng.randint(1, 999)} ms")
            else:
                symptoms.append(phrase.capitalize())
        title = " ".join(rng.sample(words, 5)).capitalize()
        entries.append({"id": f"e{i:06d}", "title": title, "symptoms": symptoms})
    return entries


def queries(entries: list[dict], count: int) -> list[tuple[str, str]]:
    """Noisy traces of random symptoms: paths, numbers and hex changed, words dropped."""
    rng = random.Random(SEED + 1)
    out = []
    for _ in range(count):
        entry = rng.choice(entries)
        words = rng.choice(entry["symptoms"]).split(" ")
        kept = [w for w in words if rng.random() > 0.15 or ":" in w]
        line = re.sub(r"\d+", lambda _m: str(rng.randint(1, 99999)), " ".join(kept))
        frames = "".join(
            f'  File "/home/u{rng.randint(1, 99)}/app/mod{rng.randint(1, 50)}.py", line '
            f"{rng.randint(1, 999)}, in fn_{rng.randint(1, 500)}\n"
            f"    call(0x{rng.getrandbits(40):x})\n"
            for _ in range(rng.randint(1, 4))
        )
        out.append((f"Traceback (most recent call last):\n{frames}{line}", entry["id"]))
    return out


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _timed(run: Callable[[str], str | None], qs: list[tuple[str, str]], budget: float) -> dict:
    times, hits, started = [], 0, time.perf_counter()
    for text, expected in qs:
        t0 = time.perf_counter()
        got = run(text)
        times.append((time.perf_counter() - t0) * 1000)
        hits += got == expected
        if time.perf_counter() - started > budget:
            break
    p50, p99 = _percentiles(times)
    return {"p50_ms": p50, "p99_ms": p99, "top1": hits / len(times), "queries": len(times)}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fill_database(url: str, entries: list[dict]) -> None:
    """Bulk-insert the corpus as active entries with one fix and one snippet each."""
    from errata.db import Database
    from errata.migrations import migrate
    from errata.models import Entry, Fix, Snippet, Symptom, snippet_hash, utcnow
    from sqlalchemy import insert

    database = Database(url)
    migrate(database)
    now, code = utcnow(), "print('fixed')\n"
    digest = snippet_hash(code, None)
    with database.engine.begin() as conn:
        for start in range(0, len(entries), 5_000):
            chunk = entries[start : start + 5_000]
            conn.execute(
                insert(Entry.__table__),  # type: ignore[arg-type]
                [
                    dict(
                        id=e["id"],
                        title=e["title"],
                        tags=[],
                        languages=["python"],
                        frameworks=[],
                        root_cause="Synthetic.",
                        tables=[],
                        environment=[],
                        source="bench",
                        expected_savings="",
                        origin="curated",
                        preference=[],
                        preference_reason="",
                        distinguish="",
                        status="active",
                        from_files=False,
                        content_hash=e["id"],
                        created_at=now,
                        updated_at=now,
                    )
                    for e in chunk
                ],
            )
            conn.execute(
                insert(Symptom.__table__),  # type: ignore[arg-type]
                [
                    dict(entry_id=e["id"], position=i, text=t)
                    for e in chunk
                    for i, t in enumerate(e["symptoms"])
                ],
            )
            conn.execute(
                insert(Fix.__table__),  # type: ignore[arg-type]
                [
                    dict(
                        entry_id=e["id"],
                        slug="fix",
                        position=0,
                        title="Fix it",
                        explanation="Do it.",
                        applies_when="",
                        for_symptoms=[],
                    )
                    for e in chunk
                ],
            )
            conn.execute(
                insert(Snippet.__table__),  # type: ignore[arg-type]
                [
                    dict(
                        entry_id=e["id"],
                        fix_slug="fix",
                        slug="s",
                        position=0,
                        file="fix.py",
                        code=code,
                        language="python",
                        kind="published",
                        note="",
                        code_hash=digest,
                    )
                    for e in chunk
                ],
            )
    if not database.is_sqlite:  # planner statistics, as autovacuum has them a minute later
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    database.dispose()


def child_errata(size: int, count: int, http: bool) -> dict:
    """Build errata's index from the database, then search in-process and through HTTP."""
    from errata.db import Database
    from errata.search import SearchIndex, search

    entries, qs = corpus(size), []
    qs = queries(entries, count)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/data/errata.db"
        Path(tmp, "data").mkdir()
        _fill_database(url, entries)
        del entries
        database = Database(url)
        t0 = time.perf_counter()
        index = SearchIndex.build(database)
        result = {"build_s": time.perf_counter() - t0, "peak_mb": _peak_mb()}
        # the analysis helper process of a large build (server/search/analyze.py) says its own
        # peak (RUSAGE_CHILDREN would count the parent's pages the child had before exec)
        result["helper_peak_mb"] = index.state.helper_peak_mb
        result["analysis_s"] = index.describe()["built_seconds"]  # build minus the DB read

        def run(text: str) -> str | None:
            found = search(index, database, text, limit=5).results
            return found[0].id if found else None

        run(qs[0][0])  # warm caches and lazy imports
        result.update(_timed(run, qs, 120))
        if http:
            result["http_p50_ms"] = _http_p50(Path(tmp), qs)
        database.dispose()
    return result


def _http_p50(tmp: Path, qs: list[tuple[str, str]]) -> float:
    """p50 of POST /api/search through the real app under uvicorn on a free loopback port."""
    import httpx
    import uvicorn
    from errata.app import create_app
    from errata.config import Settings

    (tmp / "no-entries").mkdir()
    # search alone: no verification of the 100k synthetic snippets running in the background
    settings = Settings(
        data_dir=tmp / "data",
        entries_dir=tmp / "no-entries",
        index_poll_seconds=5,
        verify_on_start=False,
        search_rate_per_minute=0,  # one client sends every query: measure speed, not the limit
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300
    while not (server.started and server.servers) and time.monotonic() < deadline:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    times = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        client.post("/api/search", json={"query": qs[0][0]})
        for text, _ in qs:
            t0 = time.perf_counter()
            client.post("/api/search", json={"query": text}).raise_for_status()
            times.append((time.perf_counter() - t0) * 1000)
    server.should_exit = True
    thread.join(timeout=30)
    return statistics.median(times)


def _terms(text: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in re.findall(r"[A-Za-z_]{3,}", text)))[:64]


def child_fts5(size: int, count: int) -> dict:
    """SQLite FTS5 with bm25 ranking over each entry's title and symptoms; OR of query terms."""
    entries = corpus(size)
    qs = queries(entries, count)
    conn = sqlite3.connect(":memory:")
    t0 = time.perf_counter()
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(entry_id UNINDEXED, body)")
    conn.executemany(
        "INSERT INTO docs VALUES (?, ?)",
        ((e["id"], e["title"] + "\n" + "\n".join(e["symptoms"])) for e in entries),
    )
    conn.commit()
    result = {"build_s": time.perf_counter() - t0, "peak_mb": _peak_mb()}

    def run(text: str) -> str | None:
        match = " OR ".join(f'"{t}"' for t in _terms(text))
        row = conn.execute(
            "SELECT entry_id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 5", (match,)
        ).fetchone()
        return row[0] if row else None

    result.update(_timed(run, qs, 120))
    return result


def child_rapidfuzz(size: int, count: int, budget: float) -> dict:
    """A rapidfuzz token_set_ratio scan over every entry's text, bounded by a time budget."""
    from rapidfuzz import fuzz, process, utils

    entries = corpus(size)
    qs = queries(entries, count)
    t0 = time.perf_counter()
    choices = [utils.default_process(e["title"] + " " + " ".join(e["symptoms"])) for e in entries]
    ids = [e["id"] for e in entries]
    result = {"build_s": time.perf_counter() - t0, "peak_mb": _peak_mb()}

    def run(text: str) -> str | None:
        best = process.extractOne(utils.default_process(text), choices, scorer=fuzz.token_set_ratio)
        return ids[best[2]] if best else None

    result.update(_timed(run, qs, budget))
    return result


def _spawn(args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--scan-budget", type=float, default=20.0)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--child", choices=["errata", "fts5", "rapidfuzz"])
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.child:
        if args.child == "errata":
            out = child_errata(args.size, args.queries, not args.no_http)
        elif args.child == "fts5":
            out = child_fts5(args.size, args.queries)
        else:
            out = child_rapidfuzz(args.size, args.queries, args.scan_budget)
        print(json.dumps(out))
        return 0
    for size in (int(s) for s in args.sizes.split(",")):
        common = [
            "--size",
            str(size),
            "--queries",
            str(args.queries),
            "--scan-budget",
            str(args.scan_budget),
        ]
        rows = {
            "errata": _spawn(
                ["--child", "errata", *common, *(["--no-http"] if args.no_http else [])]
            ),
            "fts5": _spawn(["--child", "fts5", *common]),
            "rapidfuzz": _spawn(["--child", "rapidfuzz", *common]),
        }
        _print(size, rows)
    return 0


def _print(size: int, rows: dict[str, dict]) -> None:
    print(f"\n== {size:,} entries")
    print(
        f"{'method':<10} {'build s':>8} {'peak MB':>8} {'+helper':>8} {'p50 ms':>8} {'p99 ms':>8}"
        f" {'http p50':>9} {'top-1':>6} {'n':>5}"
    )
    for name, r in rows.items():
        http = f"{r['http_p50_ms']:.2f}" if "http_p50_ms" in r else "-"
        helper = f"{r['helper_peak_mb']:.0f}" if r.get("helper_peak_mb") else "-"
        print(
            f"{name:<10} {r['build_s']:>8.2f} {r['peak_mb']:>8.0f} {helper:>8} {r['p50_ms']:>8.2f}"
            f" {r['p99_ms']:>8.2f} {http:>9} {r['top1']:>6.3f} {r['queries']:>5}"
        )
    e = rows["errata"]
    for peer in ("fts5", "rapidfuzz"):
        p = rows[peer]
        print(
            f"errata vs {peer}: {p['p50_ms'] / e['p50_ms']:.1f}x faster at p50, "
            f"top-1 {e['top1']:.3f} vs {p['top1']:.3f}"
        )


if __name__ == "__main__":
    sys.exit(main())
