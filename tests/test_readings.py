"""The blind readings (bench/readings/*.jsonl) stay joined to their cases and are counted as
errata's answers are: sure of an entry is confident, sure of none is a "no match"."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
ENTRIES = BENCH.parent / "entries"
sys.path.insert(0, str(BENCH))

import reading  # noqa: E402
import unseen  # noqa: E402


def entry_ids() -> set[str]:
    return {path.parent.name for path in ENTRIES.glob("*/entry.toml")}


@pytest.mark.parametrize(
    ("title", "name", "cases"),
    [(title, name, cases) for title, names, cases in reading.parts() for name in names],
)
def test_every_reading_names_one_case_of_its_part_and_a_real_entry(
    title: str, name: str, cases: list[dict]
) -> None:
    keys = [reading.case_key(case) for case in cases]
    found = reading.readings(name)
    lines = (reading.READINGS_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(found) == len(lines), f"{name}: two readings of one case"
    assert set(found) <= set(keys), f"{name}: a reading of no case of the {title}"
    picks = {row["pick"] for row in found.values()} - {None}
    assert picks <= entry_ids(), f"{name}: picks that are no entry: {picks - entry_ids()}"


def test_the_never_tuned_parts_are_read_whole_twice_and_the_tuning_sample_every_uncovered() -> None:
    for part, cases in (
        ("test", unseen.unseen_cases("test")),
        ("lookalike", unseen.lookalike_cases()),
    ):
        for name in (part, f"{part}.2"):
            assert len(reading.read_part(cases, name)) == len(cases) > 100, name
    tune = unseen.unseen_cases("tune")
    read = reading.read_part(tune, "tune-sample")
    uncovered = [case for case in tune if not case.get("expected")]
    assert sum(1 for r in read if not r.expected) == len(uncovered) > 40


def test_two_readings_agree_only_where_both_are_sure_of_the_same_entry() -> None:
    case = {"source": "https://example.org/1", "query": "A", "expected": "x"}
    first = [
        reading.Read(case, "x", True),
        reading.Read(case, "x", True),
        reading.Read(case, "x", False),
    ]
    second = [
        reading.Read(case, "x", True),
        reading.Read(case, "y", True),
        reading.Read(case, "x", True),
    ]
    assert [r.confident for r in reading.agreed(first, second)] == [True, False, False]
    assert [r.pick for r in reading.agreed(first, second)] == ["x", "x", "x"]


def test_sure_of_no_entry_is_a_no_match_and_an_unread_case_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        {"source": "https://example.org/1", "query": "A", "expected": "some-entry"},
        {"source": "https://example.org/2", "query": "B", "expected": None},
        {"source": "https://example.org/3", "query": "C", "expected": None},
        {"source": "https://example.org/4", "query": "D", "expected": "some-entry"},
    ]
    rows = [
        {"pick": "some-entry", "sure": True},
        {"pick": None, "sure": True},
        {"pick": "other-entry", "sure": True},
    ]
    lines = []
    for case, row in zip(cases, rows, strict=False):  # the fourth case has no reading
        source, sha = reading.case_key(case)
        lines.append(json.dumps({"source": source, "query_sha": sha, **row}))
    (tmp_path / "part.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(reading, "READINGS_DIR", tmp_path)

    read = reading.read_part(cases, "part")

    assert [(r.case["query"], r.top()[0], r.confident) for r in read] == [
        ("A", "some-entry", True),
        ("B", None, False),
        ("C", "other-entry", True),
    ]
    table = dict(unseen.table(read))
    assert table["right first and confident"] == "1.000 (1/1)"
    assert table["confident on uncovered"] == "0.500 (1/2)"


def test_the_readers_catalog_names_every_entry_once_and_cuts_long_texts() -> None:
    text = reading.catalog(ENTRIES)
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert sorted(headings) == sorted(entry_ids())
    causes = [line for line in text.splitlines() if line.startswith("Cause: ")]
    assert len(causes) == len(headings)
    assert max(map(len, causes)) == len("Cause: ") + reading.CAUSE_CHARS + 1  # one is cut
    messages = [line for line in text.splitlines() if line.startswith("  - ")]
    assert max(map(len, messages)) <= len("  - ") + reading.MESSAGE_CHARS + 1
