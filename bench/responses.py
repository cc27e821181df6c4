"""Dump every search response as JSON lines, to show that a speed-up changes no result.

Run it before and after a change and compare the files byte for byte:

    python bench/responses.py /tmp/before            # synthetic corpora of 1k and 10k entries
    python bench/responses.py /tmp/after --sizes 1000,10000
    cmp /tmp/before/eval.jsonl /tmp/after/eval.jsonl  # and corpus-<size>.jsonl

Each query is searched at limits 5 and 10: bench/search.py's corpus queries per size, and every
case of bench/eval.py's files (cases*.jsonl, both holdout halves, both unseen parts) against
`entries/`. Only the files are written; nothing of a case is printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval as evaluation  # noqa: E402
import search as corpus_bench  # noqa: E402
from errata.db import Database  # noqa: E402
from errata.migrations import migrate  # noqa: E402
from errata.search import SearchIndex, search  # noqa: E402
from unseen import unseen_cases  # noqa: E402

LIMITS = (5, 10)


def dump_corpus(out: Path, size: int, count: int) -> None:
    """The responses to `count` corpus queries over a synthetic corpus of `size` entries."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/corpus.db"
        entries = corpus_bench.corpus(size)
        corpus_bench._fill_database(url, entries)
        database = Database(url)
        index = SearchIndex.build(database)
        with (out / f"corpus-{size}.jsonl").open("w", encoding="utf-8") as f:
            for text, _ in corpus_bench.queries(entries, count):
                for limit in LIMITS:
                    f.write(search(index, database, text, limit=limit).model_dump_json() + "\n")
        database.dispose()


def dump_cases(out: Path) -> int:
    """The responses to every eval case against the shipped entries; how many cases."""
    cases = [case for path in evaluation.case_files() for case in evaluation.load_cases(path)]
    cases += evaluation.holdout_cases("dev") + evaluation.holdout_cases("test")
    cases += unseen_cases("tune") + unseen_cases("test")
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/eval.db")
        migrate(database)
        evaluation._load(database, ROOT / "entries")
        index = SearchIndex.build(database)
        with (out / "eval.jsonl").open("w", encoding="utf-8") as f:
            for case in cases:
                for limit in LIMITS:
                    language = case.get("language")
                    response = search(
                        index, database, case["query"], limit=limit, language=language
                    )
                    f.write(response.model_dump_json() + "\n")
        database.dispose()
    return len(cases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",") if s):
        dump_corpus(args.out, size, args.queries)
    print(f"{dump_cases(args.out)} cases; files in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
