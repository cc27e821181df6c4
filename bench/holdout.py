"""Held-out evaluation on real traces pasted in public issues: bench/eval/holdout.jsonl.

The cases split by a salted hash of their source URL (`eval.holdout_half`): `holdout-dev`
may be read and tuned on; `holdout-test` is only reported, its misses stay hidden unless asked
for. Loads `entries/` into a temporary SQLite database, builds the index with `server.search`,
runs every case and prints recall@1, recall@3, MRR, the confident rates of both halves.

    python bench/holdout.py                     # both halves + the dev misses
    python bench/holdout.py --show-test-misses  # only once tuning is over
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from errata.search import CONFIDENT_THRESHOLD  # noqa: E402
from eval import Outcome, figures, holdout_half, load_cases, print_figures, run_cases  # noqa: E402

HOLDOUT = ROOT / "bench" / "eval" / "holdout.jsonl"


def head(query: str, width: int = 110) -> str:
    """The most telling line of a trace: the last non-empty one, else the first."""
    lines = [line.strip() for line in query.splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:width]


def misses(outcomes: list[Outcome]) -> list[str]:
    """One line per case ranked wrong, answered confidently when it should not, or unsure."""
    rows = []
    for o in outcomes:
        top_id, score = o.top()
        confident = o.confident
        if o.expected and top_id == o.expected and confident:
            continue
        if not o.expected and not confident:
            continue
        if o.expected and top_id == o.expected:
            kind = "UNSURE"
        elif o.expected:
            kind = "WRONG" if confident else "MISS"
        else:
            kind = "CONF-NEG"
        rank = o.rank_of_expected()
        rows.append(
            f"{kind:8} expected={o.expected} rank={rank} got={top_id} score={score:.2f} "
            f"confident={confident}\n         {head(o.case['query'])}\n         {o.case['source']}"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=HOLDOUT)
    parser.add_argument("--entries", type=Path, default=ROOT / "entries")
    parser.add_argument("--show-test-misses", action="store_true")
    args = parser.parse_args()
    cases = load_cases(args.cases)
    outcomes, known = run_cases(cases, args.entries)
    missing = sorted({o.expected for o in outcomes if o.expected and o.expected not in known})
    if missing:
        print(f"warning: cases expect entries that are not indexed: {missing}")
    halves = {
        half: [o for o, c in zip(outcomes, cases, strict=True) if holdout_half(c) == half]
        for half in ("dev", "test")
    }
    shown = ["dev", "test"] if args.show_test_misses else ["dev"]
    for half in shown:
        print(f"--- holdout-{half} misses")
        for row in misses(halves[half]):
            print(row)
    print(f"\nentries indexed: {len(known)}; threshold {CONFIDENT_THRESHOLD:.2f}")
    for half, group in halves.items():
        print_figures(f"holdout-{half}", figures(group))
    print_figures("holdout (all)", figures(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
