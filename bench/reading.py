"""What a careful reader of the same text does: a reference for the figures of bench/eval.py.

Each case of the never-tuned test part and of the look-alike part (twice, by two readers who
did not see each other's answers) and of a sample of the tuning part (all its uncovered errors
and 248 covered ones, once) was read blind: the reader had the case's text and the entries'
catalog (each entry's id, title, root cause and first messages) and nothing else (not the
thread, its label, nor errata's answer), named the entry whose fix would solve the problem or
none (an entry's message printed for another cause is none), and said whether they would bet
19 to 1 on it (`sure`: sure of an entry counts as confident, sure of none as errata's "no
match"). The readings are in bench/readings/PART.jsonl and PART.2.jsonl, one line per case,
joined to it by its source URL and the SHA-256 of its query; they were made against the 163
entries of their time. This prints the issue's table for them as bench/eval.py prints
errata's. It shows what the text alone supports: an entry that only a thread's resolution
names (a library's bug, a limit raised, a debugger) is out of any reader's reach.

    python bench/reading.py             # the tables
    python bench/reading.py --catalog   # the catalog as the readers had it
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "server"))

from errata.entry_files import parse_entries  # noqa: E402
from unseen import lookalike_cases, print_table, unseen_cases  # noqa: E402

READINGS_DIR = ROOT / "bench" / "readings"
CAUSE_CHARS = 420  # of each entry's root cause, in the catalog
MESSAGE_CHARS = 200  # of each of its first MESSAGES symptoms
MESSAGES = 5


def case_key(case: dict) -> tuple[str, str]:
    """What joins a reading to its case: the source URL and the first 16 hex digits of the
    SHA-256 of the query."""
    return case["source"], hashlib.sha256(case["query"].encode("utf-8")).hexdigest()[:16]


def readings(name: str) -> dict[tuple[str, str], dict]:
    """The readings of one file (bench/readings/NAME.jsonl), by case key."""
    path = READINGS_DIR / f"{name}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {(row["source"], row["query_sha"]): row for row in rows}


@dataclass(frozen=True, slots=True)
class Read:
    """One case as the reader answered it (unseen.Result)."""

    case: dict
    pick: str | None
    confident: bool

    @property
    def expected(self) -> str | None:
        """The case's label."""
        return self.case.get("expected")

    def top(self) -> tuple[str | None, float]:
        """The reader's entry, scored 1 when sure."""
        return self.pick, 1.0 if self.confident else 0.0


def read_part(cases: list[dict], name: str) -> list[Read]:
    """The readings of these cases (every case that has one, in the cases' order)."""
    found = readings(name)
    reads = []
    for case in cases:
        row = found.get(case_key(case))
        if row is not None:
            # sure that no entry covers it is errata's "no match", which is never confident
            reads.append(Read(case, row["pick"], bool(row["sure"]) and row["pick"] is not None))
    return reads


def parts() -> list[tuple[str, tuple[str, ...], list[dict]]]:
    """Each part's title, its readings files (one per reader) and its cases."""
    return [
        ("tuning part, a sample", ("tune-sample",), unseen_cases("tune")),
        ("TEST part", ("test", "test.2"), unseen_cases("test")),
        ("LOOK-ALIKE part", ("lookalike", "lookalike.2"), lookalike_cases()),
    ]


def agreed(first: list[Read], second: list[Read]) -> list[Read]:
    """Two readings of the same cases as one stricter reader: the first's entry, sure only where
    both are sure of the same entry."""
    return [
        Read(a.case, a.pick, a.confident and b.confident and a.pick == b.pick)
        for a, b in zip(first, second, strict=True)
    ]


def catalog(entries_dir: Path = ROOT / "entries") -> str:
    """The entries as the readers had them: id, title, root cause and first messages, each on
    one line and cut short."""

    def cut(text: str, limit: int) -> str:
        text = " ".join(text.split())
        return text[:limit] + "\u2026" if len(text) > limit else text

    lines = []
    for entry in sorted(parse_entries(entries_dir), key=lambda d: d.id):
        lines += [f"## {entry.id}", entry.title, f"Cause: {cut(entry.root_cause, CAUSE_CHARS)}"]
        lines.append("Prints, e.g.:")
        lines += [f"  - {cut(s, MESSAGE_CHARS)}" for s in entry.symptoms[:MESSAGES]]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    """Print the table of each reading of each part, and of two readers that must agree."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", action="store_true", help="print the readers' catalog")
    if parser.parse_args().catalog:
        print(catalog())
        return 0
    for title, names, cases in parts():
        reads = [read_part(cases, name) for name in names]
        for number, read in enumerate(reads, 1):
            print_table(f"{title}, blind reading {number} of {len(reads)}", read)
        if len(reads) == 2:
            same = sum(1 for a, b in zip(*reads, strict=True) if a.pick == b.pick)
            print(f"  the two readings name the same entry (or none) for {same} of {len(cases)}")
            print_table(f"{title}, sure only where both readings are", agreed(*reads))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
