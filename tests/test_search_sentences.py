"""Plain sentences: the words that name a cause, and what the calibration makes of them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from errata.config import REPO_ROOT, Settings
from errata.db import Database
from errata.entry_files import parse_entries, write_entry
from errata.search import SearchIndex, normalize
from errata.search.mask import tokenize
from errata.search.rank import Ranked, calibrate, rerank
from errata.sync import prepare_database

from .conftest import TEST_HOSTS
from .evidence_definitions import telling_words
from .test_search import draft

HANG = "the service hangs and every request times out"  # effect words only
ENTRIES = {
    # each hangs; the cause each names is its own
    "pipe-full": [f"{HANG}: the child blocks writing to a full stdout pipe nobody reads"],
    "no-timeout": [f"{HANG}: the http client waits on a dead upstream without a timeout"],
    "held-lock": [f"{HANG}: one worker holds the lock across a slow llm call"],
}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    root = tmp_path / "entries"
    for entry_id, symptoms in ENTRIES.items():
        write_entry(draft(entry_id, symptoms, ["python"]), root)
    settings = Settings(
        data_dir=tmp_path / "data", entries_dir=root, verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )  # fmt: skip
    database = prepare_database(settings)
    yield database
    database.dispose()


def ranked(database: Database, query: str) -> dict[str, Ranked]:
    return {r.id: r for r in rerank(SearchIndex.build(database), normalize(query), language=None)}


def test_a_word_one_entry_lists_is_telling_and_a_word_every_entry_lists_is_not() -> None:
    # token ids 1..3; entry 0 lists 1 and 2, entry 1 lists 2 and 3; token 2 is common
    idf = np.log(1.0 + (10 - np.array([0, 1, 9, 1]) + 0.5) / (np.array([0, 1, 9, 1]) + 0.5))
    tokens, first = np.array([1, 2, 2, 3]), np.array([0, 2, 4])
    assert telling_words(np.array([1, 2]), idf, 10, tokens, first) == [1, 0]
    assert telling_words(np.array([2]), idf, 10, tokens, first) == [0, 0]
    assert telling_words(np.array([], dtype=np.int64), idf, 10, tokens, first) == [0, 0]


def test_a_sentence_naming_the_cause_has_telling_words_only_for_that_entry(
    database: Database,
) -> None:
    found = ranked(database, "our service hangs: it calls Popen and never reads the stdout pipe")
    assert found["pipe-full"].telling >= 2
    assert all(r.telling == 0 for entry_id, r in found.items() if entry_id != "pipe-full")


def test_a_sentence_naming_only_the_effect_has_no_telling_words(database: Database) -> None:
    found = ranked(database, "the service hangs and requests time out")
    assert found and all(r.telling == 0 for r in found.values())


def test_the_shipped_calibration_trusts_a_sentence_more_when_it_names_the_cause(
    database: Database,
) -> None:
    result = ranked(database, "our service hangs: it calls Popen and never reads the stdout pipe")
    named = result["pipe-full"]
    unnamed = dataclasses.replace(named, telling=0)
    assert calibrate(named, named.margin) > calibrate(unnamed, unnamed.margin)


def test_telling_words_weigh_only_for_a_sentence(database: Database) -> None:
    trace = dataclasses.replace(ranked(database, "it hangs on the stdout pipe")["pipe-full"])
    trace.sentence = False
    assert calibrate(trace, trace.margin) == calibrate(
        dataclasses.replace(trace, telling=0), trace.margin
    )


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("the worker stalls", "the worker hangs"),
        ("the page froze", "the page freezes"),
        ("the server is unresponsive", "the server is stuck"),
        ("memory climbs all day", "memory grows all day"),
        ("it waits forever", "it never returns"),
    ],
)
def test_words_people_use_for_one_effect_are_one_search_token(said: str, meant: str) -> None:
    assert set(tokenize(said)) & set(tokenize(meant)) - set(tokenize("the it is all day"))


def is_plain(symptom: str) -> bool:
    read = normalize(symptom)
    return not read.key_lines and not read.frames


def test_every_curated_entry_says_its_problem_in_plain_sentences_too() -> None:
    """People describe a problem before they paste its error: each entry lists at least two
    symptoms that read as a sentence (no error line, no frame), as such a description matches."""
    for entry in parse_entries(REPO_ROOT / "entries"):
        plain = [symptom for symptom in entry.symptoms if is_plain(symptom)]
        assert len(plain) >= 2, f"{entry.id} has {len(plain)} plain-sentence symptoms"
