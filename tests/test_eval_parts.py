"""The evaluation's parts stay apart: the fresh and look-alike parts share no project with any
other case file, and neither the calibration's fit nor the word model's reads a test case."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

EVAL_DIR = Path(__file__).resolve().parent.parent / "bench" / "eval"


def projects(pattern: str) -> set[str]:
    found = set()
    for path in EVAL_DIR.glob(pattern):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.add(json.loads(line).get("project") or "")
    return found - {""}


def test_no_fresh_case_comes_from_a_project_of_another_case_file() -> None:
    fresh = projects("fresh-*.jsonl")
    others = projects("unseen-*.jsonl") | projects("cases*.jsonl") | projects("holdout.jsonl")
    others |= projects("tune-*.jsonl") | projects("lookalike-*.jsonl")
    assert len(fresh) >= 150
    assert not fresh & others


def test_no_look_alike_case_comes_from_a_project_or_thread_of_another_case_file() -> None:
    sys.path.insert(0, str(EVAL_DIR.parent))
    import unseen

    lookalike = unseen.lookalike_cases()
    patterns = ("unseen-*.jsonl", "tune-*.jsonl", "fresh-*.jsonl", "cases*.jsonl")
    others = [case for pattern in patterns for case in unseen.read_cases(pattern)]
    assert len(lookalike) >= 100
    assert sum(1 for case in lookalike if case["expected"] is None) >= 40
    assert not projects("lookalike-*.jsonl") & set().union(*map(projects, patterns))
    sources = {c.get("source", "").rstrip("/") for c in others}
    assert not {c["source"].rstrip("/") for c in lookalike} & sources


def test_the_calibration_fits_on_no_test_or_fresh_case() -> None:
    sys.path.insert(0, str(EVAL_DIR.parent))
    import calibrate
    import unseen

    fitted = {json.dumps(c, sort_keys=True) for s in calibrate.tuning_sets().values() for c in s}
    held = unseen.unseen_cases("test") + unseen.fresh_cases() + unseen.lookalike_cases()
    assert held and not fitted & {json.dumps(c, sort_keys=True) for c in held}


def test_the_word_model_learns_the_tuning_part_and_no_test_or_fresh_case() -> None:
    sys.path.insert(0, str(EVAL_DIR.parent))
    import unseen
    from errata.search.word_model import MODEL_FILE

    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["fit"]
    tune = unseen.unseen_cases("tune")
    assert shipped["real_errors"] == len(tune) > 500
    held = unseen.unseen_cases("test") + unseen.fresh_cases() + unseen.lookalike_cases()
    assert not {c["query"] for c in tune} & {c["query"] for c in held}


def test_cases_from_threads_an_entry_cites_are_told_apart(tmp_path: Path) -> None:
    sys.path.insert(0, str(EVAL_DIR.parent))
    import unseen

    entry = tmp_path / "some-entry"
    entry.mkdir()
    (entry / "entry.toml").write_text(
        'symptoms = ["x"]  # https://github.com/a/b/issues/1/ ; https://example.org/page.\n',
        encoding="utf-8",
    )
    cited = unseen.cited_sources(tmp_path)
    assert cited == {"https://github.com/a/b/issues/1", "https://example.org/page"}
    cases = [{"source": f"https://github.com/a/b/issues/{n}"} for n in (1, 2)]
    assert unseen.uncited(cases, cited) == cases[1:]


def test_the_trade_off_table_counts_confidence_at_each_threshold(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sys.path.insert(0, str(EVAL_DIR.parent))
    import eval as evaluation

    def outcome(expected: str | None, top: str, score: float, eligible: bool = True) -> Any:
        case = {"query": "q", "expected": expected, "kind": "trace"}
        return evaluation.Outcome(case, [(top, score)], False, eligible)

    outcomes = [
        outcome("a", "a", 0.97),  # right: confident up to t=0.96
        outcome("b", "b", 0.99, eligible=False),  # right, but a rule keeps it unsure
        outcome(None, "c", 0.91),  # uncovered: confident at t <= 0.90 only
        outcome(None, "c", 0.20),
    ]
    evaluation.print_trade_off("part", outcomes)
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "right+conf 0.500 " in rows["t=0.90"] and "conf-uncovered 0.500" in rows["t=0.90"]
    assert "right+conf 0.500 " in rows["t=0.96"] and "conf-uncovered 0.000" in rows["t=0.96"]
    assert "right+conf 0.000 " in rows["t=0.98"]
