"""The word model: fitted on the entries' own texts and the tuning part's real errors, it tells
entries that share a message apart."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from errata.search import normalize
from errata.search.rank import WORDS
from errata.search.word_model import (
    MODEL_FILE,
    NO_ENTRY,
    WordModel,
    stop_words,
    tf_idf,
    words,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import fit_word_model  # noqa: E402


def probabilities(query: str) -> dict[str, float]:
    read = normalize(query)
    return WORDS.probabilities(read.text, stop_words(read.parser_stops))


def test_the_shipped_model_is_what_the_fit_writes_for_the_shipped_entries() -> None:
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    refit = fit_word_model.fit(ROOT / "entries")
    assert fit_word_model.differs(shipped, refit) is None
    folders = (ROOT / "entries").glob("*/entry.toml")
    assert shipped["entries"] == sorted([NO_ENTRY, *(path.parent.name for path in folders)])


def test_a_changed_weight_is_caught_by_the_check() -> None:
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(shipped))
    word = next(iter(changed["weights"]))
    changed["weights"][word][0][1] += 0.5
    assert fit_word_model.differs(shipped, changed) == "weights differ by up to 0.500"
    changed["entries"] = changed["entries"][1:]
    assert fit_word_model.differs(shipped, changed) == "the entries differ"


@pytest.mark.parametrize(
    ("query", "cause", "sibling"),
    [
        (
            "OSError: [Errno 24] Too many open files: macOS's default limit is too low; "
            "ulimit -n 4096 fixed it",
            "open-file-limit-too-low",
            "too-many-open-files",
        ),
        (
            "OSError: [Errno 24] Too many open files: inotify instances of the file watcher",
            "file-watcher-limit-reached",
            "too-many-open-files",
        ),
    ],
)
def test_the_words_around_a_shared_message_point_to_its_cause(
    query: str, cause: str, sibling: str
) -> None:
    found = probabilities(query)
    assert found[cause] > found[sibling]
    bare = probabilities("OSError: [Errno 24] Too many open files")
    assert found[cause] / found[sibling] > 3 * bare[cause] / bare[sibling]  # the words moved it


def test_where_a_json_parser_stopped_tells_the_bodies_apart_once_masking_hid_it() -> None:
    page = probabilities("SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON")
    unset = probabilities('SyntaxError: "undefined" is not valid JSON')
    html, undefined = "html-error-page-parsed-as-json", "json-parse-of-undefined-or-object"
    assert page[html] > page[undefined] and unset[undefined] > unset[html]
    assert stop_words(frozenset("<u")) == ["jsonstop_3c", "jsonstop_u"]


def test_probabilities_cover_every_fitted_entry_and_sum_to_one() -> None:
    found = probabilities("sqlite3.OperationalError: database is locked")
    assert set(found) == set(WORDS.entries) and abs(sum(found.values()) - 1) < 1e-9
    assert max(found, key=found.__getitem__) == "sqlite-database-is-locked"
    nothing = WORDS.probabilities("")  # no word: the biases alone
    assert abs(sum(nothing.values()) - 1) < 1e-9


def test_words_and_their_vector() -> None:
    assert words("HTTP <n> from api.example.com: Too_many x") == [
        "http", "from", "api", "example", "com", "too_many", "too", "many", "examp~", "too_m~"
    ]  # fmt: skip
    # users inflect an entry's words: "serializable" and "serialization" share "seria~"
    assert {"seria~", "conne~"} <= set(words("not serializable over the connection"))
    vector = tf_idf(["lock", "lock", "held", "unknown"], {"lock": 2.0, "held": 1.0})
    assert set(vector) == {"lock", "held"} and abs(sum(v * v for v in vector.values()) - 1) < 1e-9
    assert vector["lock"] > vector["held"]
    assert tf_idf(["unknown"], {"lock": 2.0}) == {}


def test_a_file_whose_biases_do_not_match_its_entries_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "word_model.json"
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["bias"] = data["bias"][:-1]
    broken.write_text(json.dumps(data), encoding="utf-8")
    n = len(data["entries"])
    with pytest.raises(ValueError, match=rf"word_model\.json: {n - 1} biases for {n} entries"):
        WordModel.load(broken)


def test_it_counts_the_entries_it_was_not_fitted_on() -> None:
    fitted = sorted(WORDS.fitted)
    assert WORDS.unfitted([fitted[0], "brand-new-entry", "another-new-one"]) == 2
    assert WORDS.unfitted(fitted) == 0 and NO_ENTRY not in WORDS.fitted


def test_out_of_fold_figures_count_first_choices_per_kind(capsys: pytest.CaptureFixture) -> None:
    read = [
        ({"kind": "trace", "expected": "a"}, ["a", "b", NO_ENTRY]),
        ({"kind": "trace", "expected": "b"}, ["a", "c", "b"]),
        ({"kind": "description", "expected": "c"}, ["a", "b", NO_ENTRY, "c"]),
        ({"kind": "log"}, [NO_ENTRY, "a"]),
        ({"kind": "log"}, ["a", NO_ENTRY]),
    ]
    fit_word_model.print_out_of_fold(read)
    lines = {
        line.split()[0]: " ".join(line.split()[1:]) for line in capsys.readouterr().out.splitlines()
    }
    assert lines["all"] == "n= 3 first 0.333 first three 0.667"
    assert lines["trace"] == "n= 2 first 0.500 first three 1.000"
    assert lines["description"] == "n= 1 first 0.000 first three 0.000"
    assert lines["log"] == "n= 0 first 0.000 first three 0.000"
    assert lines["uncovered"] == "n= 2 no entry first 0.500"
