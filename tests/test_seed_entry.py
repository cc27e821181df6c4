"""The seed entry against the published article: text, code as published, and its checks.

`tests/seed_article.txt` is the article as published (a copy of the shared seed file, kept in
the repository so a fresh clone can run this test). The sandbox tests run every snippet of the
entry with its check in the real sandbox and assert which published snippets fail, and why.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from errata.config import REPO_ROOT
from errata.entry_files import parse_entry, write_entry
from errata.harness.sandbox import Sandbox, SandboxResult
from errata.models import EntryDraft, SnippetDraft

ENTRY_DIR = REPO_ROOT / "entries" / "agent-holds-lock-too-long"
ARTICLE_FILE = Path(__file__).parent / "seed_article.txt"
SHARED_SEED = REPO_ROOT.parent / "shared" / "seed" / "lock-starvation-article.txt"
ADVERTISEMENT = ("SynapseAI", "synapse-ai", "MoltCoin", "Wasting tokens", "Solved an error")


def article_lines() -> list[str]:
    return ARTICLE_FILE.read_text(encoding="utf-8").splitlines()


def section(start: str, end: str) -> list[str]:
    """The article's lines strictly between the first line == start and the next == end."""
    lines = article_lines()
    first = lines.index(start) + 1
    return lines[first : lines.index(end, first)]


def code_blocks() -> list[list[str]]:
    """The six published code blocks, as their non-blank lines."""
    blocks: list[list[str]] = []
    for line in section("Fix", "Locking Strategy Comparison"):
        if re.match(r"^Option \d: ", line):
            blocks.append([])
        elif line.strip():
            blocks[-1].append(line)
    return blocks


def squash(text: str) -> str:
    return "".join(text.split())


def snippets(draft: EntryDraft) -> dict[str, SnippetDraft]:
    return {s.id: s for fix in draft.fixes for s in fix.snippets}


@pytest.fixture(scope="module")
def draft() -> EntryDraft:
    return parse_entry(ENTRY_DIR)


def test_the_repository_copy_of_the_article_is_the_published_seed() -> None:
    if not SHARED_SEED.is_file():
        pytest.skip(f"{SHARED_SEED} is not on this machine; the copy is the reference")
    assert ARTICLE_FILE.read_bytes() == SHARED_SEED.read_bytes()


def test_every_published_code_line_is_in_its_snippet_file_in_order(draft: EntryDraft) -> None:
    published = [s for s in snippets(draft).values() if s.kind == "published"]
    blocks = code_blocks()
    assert len(blocks) == 6 and len(published) == 6
    for block, snippet in zip(blocks, published, strict=True):
        lines = [line.strip() for line in snippet.code.splitlines() if line.strip()]
        assert lines == [line.strip() for line in block], f"{snippet.file} differs from the article"


def test_the_fixes_carry_the_published_option_titles_in_order(draft: EntryDraft) -> None:
    titles = [line for line in article_lines() if re.match(r"^Option \d: ", line)]
    assert [fix.title for fix in draft.fixes] == titles


def test_every_published_symptom_is_its_own_string(draft: EntryDraft) -> None:
    published: list[str] = []
    for line in section("Symptom", "Root Cause"):
        published += [part for part in re.split(r"(?:^|(?<=\S))- ", line) if part]
    assert len(published) == 6  # one published line runs two bullets together
    # The published symptoms come first, in order; messages added for matching follow them.
    assert [squash(s) for s in draft.symptoms[:6]] == [squash(s) for s in published]
    assert len(set(draft.symptoms)) == len(draft.symptoms)
    assert "asyncio.Lock acquired but never released — deadlock after one agent crashes" in (
        draft.symptoms
    )


def test_root_cause_environment_source_and_savings_are_as_published(draft: EntryDraft) -> None:
    assert [draft.root_cause] == section("Root Cause", "Fix")
    environment, source = section("Environment", "Wasting tokens on this error?")
    assert draft.environment == [environment.removeprefix("- ")]
    assert "direct experience" in draft.source
    assert draft.source == source.removeprefix("- Source: ")
    savings = section("Expected Token Savings", "Environment")
    assert squash(draft.expected_savings) == squash(" ".join(savings))


def test_the_locking_strategy_table_is_as_published(draft: EntryDraft) -> None:
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section("Locking Strategy Comparison", "Expected Token Savings")
    ]
    assert [table.title for table in draft.tables] == ["Locking Strategy Comparison"]
    assert draft.tables[0].columns == rows[0] == ["Pattern", "Concurrency", "Use When"]
    assert draft.tables[0].rows == rows[2:]
    assert ["Read-write lock", "N readers OR 1 writer", "Reads » writes"] in draft.tables[0].rows


def test_the_hosting_sites_advertisement_is_left_out() -> None:
    for path in ENTRY_DIR.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [ad for ad in ADVERTISEMENT if ad in text], path


def test_every_snippet_has_a_check_and_each_correction_a_note(draft: EntryDraft) -> None:
    by_id = snippets(draft)
    for snippet in by_id.values():
        assert snippet.check_code and "from errata_check import" in snippet.check_code
        if snippet.kind == "correction":
            assert snippet.corrects in by_id and len(snippet.note) > 100
            assert snippet.check_file == by_id[snippet.corrects].check_file
    assert sorted(s.corrects for s in by_id.values() if s.corrects) == [
        "option-3",
        "option-4",
        "option-5",
    ]


def test_the_entry_survives_a_write_and_parse_round_trip(draft: EntryDraft, tmp_path: Path) -> None:
    folder = write_entry(draft, tmp_path)
    assert parse_entry(folder) == draft


# --- In the real sandbox ----------------------------------------------------------------------

EXPECTED_FAILURES = {
    "option-3": "NameError: name 'contextlib' is not defined",
    "option-4": "SyntaxError: 'await' outside function",
    "option-5": "NameError: name 'contextlib' is not defined",
}


@pytest.fixture(scope="module")
def results(draft: EntryDraft, sandbox: Sandbox) -> dict[str, SandboxResult]:
    return {s.id: sandbox.run(s.code, s.check_code, timeout=20) for s in snippets(draft).values()}


@pytest.mark.sandbox
def test_published_snippets_fail_only_where_the_code_is_broken(
    results: dict[str, SandboxResult],
) -> None:
    for snippet_id, result in results.items():
        if snippet_id in EXPECTED_FAILURES:
            assert result.status == "failed", (snippet_id, result.status, result.stderr[-500:])
            assert EXPECTED_FAILURES[snippet_id] in result.stderr, result.stderr[-500:]
        else:
            assert result.status == "passed", (snippet_id, result.error, result.stderr[-800:])


@pytest.mark.sandbox
def test_option_1_reproduces_the_wrong_vs_right_benchmark(
    results: dict[str, SandboxResult],
) -> None:
    figures = results["option-1"].figures
    assert figures["claimed_wrong_ms"] == 52000 and figures["claimed_right_ms"] == 5210
    assert figures["wrong_ms"] >= 10 * 52 * 0.95
    assert figures["speedup"] >= 6, figures


def variant(draft: EntryDraft, snippet_id: str, old: str, new: str) -> str:
    code = snippets(draft)[snippet_id].code
    assert old in code, f"{old!r} is not in {snippet_id}"
    return code.replace(old, new, 1)


@pytest.mark.sandbox
@pytest.mark.parametrize(
    ("base", "old", "new", "message"),
    [
        (
            "option-3",
            "import asyncio\n",
            "import asyncio\nimport contextlib\n",
            "cleanup() of a held key let a second worker into the critical section",
        ),
        (
            "option-3-corrected",
            "        # Nothing to remove:",
            "        self._locks.pop(key, None)\n        # Nothing to remove:",
            "cleanup() of a held key let a second worker into the critical section",
        ),
        (
            "option-5",
            "import asyncio\n",
            "import asyncio\nimport contextlib\n",
            "reader entered: 1 readers, 1 writers inside",
        ),
        (
            "option-4-corrected",
            "                    if not item.result_future.done(): # caller was cancelled\n"
            "                        item.result_future.set_exception(e)",
            "                    item.result_future.set_exception(e)",
            "the worker died after a caller was cancelled",
        ),
    ],
)
def test_each_defect_a_correction_fixes_is_caught_by_its_check(
    draft: EntryDraft, sandbox: Sandbox, base: str, old: str, new: str, message: str
) -> None:
    check = snippets(draft)[base].check_code
    result = sandbox.run(variant(draft, base, old, new), check, timeout=20)
    assert result.status == "failed" and message in result.stderr, result.stderr[-800:]
