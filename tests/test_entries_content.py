"""The curated entries in `entries/`: each one complete enough to help an agent, ids unique."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.config import REPO_ROOT
from server.entries import parse_entries
from server.models import EntryDraft

ENTRIES = parse_entries(REPO_ROOT / "entries")
EVAL_DIR = REPO_ROOT / "bench" / "eval"


def _ids(drafts: list[EntryDraft]) -> list[str]:
    return [draft.id for draft in drafts]


def test_the_repository_holds_curated_entries_with_unique_ids() -> None:
    ids = _ids(ENTRIES)
    assert ids, "entries/ is empty"
    assert len(ids) == len(set(ids))
    assert all(draft.origin == "curated" for draft in ENTRIES)


@pytest.mark.parametrize("draft", ENTRIES, ids=_ids(ENTRIES))
def test_every_entry_has_at_least_three_distinct_symptoms(draft: EntryDraft) -> None:
    symptoms = [s.strip() for s in draft.symptoms]
    assert len(symptoms) >= 3
    assert all(symptoms), "a symptom is blank"
    assert len(set(symptoms)) == len(symptoms), "a symptom is repeated"


@pytest.mark.parametrize("draft", ENTRIES, ids=_ids(ENTRIES))
def test_every_entry_has_a_root_cause_and_a_source(draft: EntryDraft) -> None:
    assert len(draft.root_cause.split()) >= 20, "the root cause should explain, not name"
    assert draft.source.strip()


@pytest.mark.parametrize("draft", ENTRIES, ids=_ids(ENTRIES))
def test_every_fix_has_code_and_every_snippet_has_a_check(draft: EntryDraft) -> None:
    for fix in draft.fixes:
        assert fix.snippets, f"fix {fix.id} has no code"
        for snippet in fix.snippets:
            assert snippet.check_code and "load_snippet" in snippet.check_code, (
                f"snippet {snippet.id} has no check that loads it"
            )


def test_no_symptom_string_is_shared_by_two_entries() -> None:
    owner: dict[str, str] = {}
    for draft in ENTRIES:
        for symptom in draft.symptoms:
            key = " ".join(symptom.split()).lower()
            assert owner.setdefault(key, draft.id) == draft.id, (
                f"{draft.id} and {owner[key]} share the symptom {symptom!r}"
            )


def _eval_cases(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("path", sorted(EVAL_DIR.glob("cases-*.jsonl")), ids=lambda p: p.name)
def test_content_eval_cases_name_existing_entries(path: Path) -> None:
    known = set(_ids(ENTRIES))
    cases = _eval_cases(path)
    assert cases
    for case in cases:
        assert isinstance(case["query"], str) and case["query"].strip()
        assert case["expected"] is None or case["expected"] in known, case["expected"]
