"""The curated entries in `entries/`: each one complete enough to help an agent, ids unique."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from errata.config import REPO_ROOT
from errata.entry_files import parse_entries, parse_entry
from errata.models import EntryDraft

ENTRIES_DIR = REPO_ROOT / "entries"
# Folder names, not parsed drafts, so one broken folder fails its own tests, not collection.
FOLDERS = sorted(
    p.name for p in ENTRIES_DIR.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
)
EVAL_DIR = REPO_ROOT / "bench" / "eval"


def _draft(name: str) -> EntryDraft:
    return parse_entry(ENTRIES_DIR / name)


def test_the_repository_holds_curated_entries_with_unique_ids() -> None:
    drafts = parse_entries(ENTRIES_DIR)
    ids = [draft.id for draft in drafts]
    assert ids, "entries/ is empty"
    assert len(ids) == len(set(ids))
    assert all(draft.origin == "curated" for draft in drafts)


@pytest.mark.parametrize("name", FOLDERS)
def test_every_entry_has_at_least_three_distinct_symptoms(name: str) -> None:
    draft = _draft(name)
    symptoms = [s.strip() for s in draft.symptoms]
    assert len(symptoms) >= 3
    assert all(symptoms), "a symptom is blank"
    assert len(set(symptoms)) == len(symptoms), "a symptom is repeated"


@pytest.mark.parametrize("name", FOLDERS)
def test_every_entry_has_a_root_cause_and_a_source(name: str) -> None:
    draft = _draft(name)
    assert len(draft.root_cause.split()) >= 20, "the root cause should explain, not name"
    assert draft.source.strip()


@pytest.mark.parametrize("name", FOLDERS)
def test_every_fix_has_code_and_every_snippet_has_a_check(name: str) -> None:
    draft = _draft(name)
    for fix in draft.fixes:
        assert fix.snippets, f"fix {fix.id} has no code"
        for snippet in fix.snippets:
            loader = (
                "loadSnippet"
                if snippet.language in ("javascript", "typescript")
                else "load_snippet"
            )
            assert snippet.check_code and loader in snippet.check_code, (
                f"snippet {snippet.id} has no check that loads it"
            )


def test_no_symptom_string_is_shared_by_two_entries() -> None:
    owner: dict[str, str] = {}
    for draft in parse_entries(ENTRIES_DIR):
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
    known = set(FOLDERS)
    cases = _eval_cases(path)
    assert cases
    for case in cases:
        assert isinstance(case["query"], str) and case["query"].strip()
        assert case["expected"] is None or case["expected"] in known, case["expected"]
