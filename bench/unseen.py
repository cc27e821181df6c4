"""The unseen real cases (bench/eval/unseen-*.jsonl), split by source project.

Each case is {query, expected (entry id or null), kind (trace|log|description), source,
project, note}. A salted hash of `project` puts every case of one project in the same part:
`tune` may be read and tuned on, `test` is only reported (never its queries). The salt was
chosen for a near half/half split by case count before any result was looked at.

Three more kinds of file: `fresh-*.jsonl` (the fresh part: projects in no other file, gathered
after the tuning it grades, only ever reported), `lookalike-*.jsonl` (the look-alike part,
gathered and reported the same way, of threads chosen because they print a message an entry
lists: the hard case for "no entry") and `tune-*.jsonl` (real cases wholly in the
tuning part: a former fresh part, once its figures were reported, and cases gathered for tuning
the same way, so the fit sees uncovered errors from more projects; the test part never changes).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

EVAL_DIR = Path(__file__).resolve().parent / "eval"
SPLIT_SALT = "unseen-v2"
KINDS = ("trace", "log", "description")
PER_KIND = (
    ("r@1", "recall@1, covered"),
    ("right+conf", "right first and confident"),
    ("conf-wrong", "confident but wrong, covered"),
    ("conf-uncovered", "confident on uncovered"),
)


class Result(Protocol):
    """What eval.Outcome offers: the case, the top answer and whether it was confident."""

    case: dict
    confident: bool

    @property
    def expected(self) -> str | None: ...

    def top(self) -> tuple[str | None, float]: ...


def unseen_part(case: dict) -> str:
    """'tune' or 'test', fixed per source project."""
    digest = hashlib.sha256((SPLIT_SALT + case["project"]).encode("utf-8")).digest()
    return "tune" if digest[0] < 128 else "test"


def collection(path: Path) -> str:
    """The collection a case file belongs to: the cases gathered together (its name without
    the `-python` / `-other` half of one gathering)."""
    return path.stem.removesuffix("-python").removesuffix("-other")


def read_cases(pattern: str) -> list[dict]:
    """Every case of the eval files matching pattern, in file name order, each with the
    `collection` it was gathered in."""
    cases = []
    for path in sorted(EVAL_DIR.glob(pattern)):
        lines = path.read_text(encoding="utf-8").splitlines()
        name = collection(path)
        cases += [{**json.loads(line), "collection": name} for line in lines if line.strip()]
    return cases


def unseen_cases(part: str) -> list[dict]:
    """Every unseen case of one part: unseen-*.jsonl split by project, and for `tune` every
    tune-*.jsonl case after them."""
    cases = [case for case in read_cases("unseen-*.jsonl") if unseen_part(case) == part]
    return cases + read_cases("tune-*.jsonl") if part == "tune" else cases


def _rate(items: Sequence[Any], hit: Callable[[Any], bool]) -> str:
    """'0.712 (52/73)', or '-' for nothing to count."""
    if not items:
        return "-"
    n = sum(1 for item in items if hit(item))
    return f"{n / len(items):.3f} ({n}/{len(items)})"


URL = re.compile(r"https?://[^\s\"')\],;]+")


def cited_sources(entries_dir: Path) -> set[str]:
    """Every URL an entry's files cite (its symptoms' sources, its references), without a
    trailing slash or full stop: a case from such a thread was read while writing the entry."""
    cited = set()
    for path in entries_dir.glob("*/entry.toml"):
        cited |= {u.rstrip("/.") for u in URL.findall(path.read_text(encoding="utf-8"))}
    return cited


def uncited(cases: list[Any], cited: set[str]) -> list[Any]:
    """The results (or cases) whose thread no entry cites."""
    return [c for c in cases if _case(c)["source"].rstrip("/.") not in cited]


def _case(item: Any) -> dict:
    return item if isinstance(item, dict) else item.case


def fresh_cases() -> list[dict]:
    """Every case of the fresh part (fresh-*.jsonl, in name order): only ever reported."""
    return read_cases("fresh-*.jsonl")


def lookalike_cases() -> list[dict]:
    """Every case of the look-alike part (lookalike-*.jsonl): threads that print a message an
    entry lists, about half of them for a cause no entry covers, from projects in no other
    file; only ever reported."""
    return read_cases("lookalike-*.jsonl")


def table(results: Sequence[Result]) -> list[tuple[str, str]]:
    """The issue's rows for these results."""

    def right(r: Result) -> bool:
        return r.top()[0] == r.expected

    def sure(r: Result) -> bool:
        return r.confident

    covered = [r for r in results if r.expected]
    uncovered = [r for r in results if not r.expected]
    raw = [r for r in covered if r.case.get("kind") in ("trace", "log")]
    described = [r for r in covered if r.case.get("kind") == "description"]
    return [
        ("recall@1, covered", _rate(covered, right)),
        ("right first and confident", _rate(covered, lambda r: right(r) and sure(r))),
        ("traces+logs: right and confident", _rate(raw, lambda r: right(r) and sure(r))),
        ("descriptions: right first", _rate(described, right)),
        ("descriptions: right and confident", _rate(described, lambda r: right(r) and sure(r))),
        ("confident but wrong, covered", _rate(covered, lambda r: sure(r) and not right(r))),
        ("confident on uncovered", _rate(uncovered, sure)),
    ]


def print_table(title: str, results: Sequence[Result]) -> None:
    """The table for all kinds, then one compact line per input kind."""
    covered = sum(1 for r in results if r.expected)
    print(f"== unseen {title}: {len(results)} cases ({covered} covered)")
    for label, value in table(results):
        print(f"  {label:<36} {value}")
    for kind in KINDS:
        subset = [r for r in results if r.case.get("kind") == kind]
        rows = dict(table(subset))
        cells = "  ".join(f"{short} {rows[label].split()[0]}" for short, label in PER_KIND)
        print(f"  [{kind:<11}] n={len(subset):>3}  {cells}")
