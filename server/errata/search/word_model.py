"""Which entry a query's words point to: a linear model fitted on the entries' own texts and on
the real errors of the evaluation's tuning part.

A multinomial logistic regression over the tf-idf of the words of each entry's symptoms, of its
title with its root cause, and of every real error of the tuning part (labelled with its entry,
or NO_ENTRY when no entry covers it; never a test or fresh case), fitted by
`python bench/fit_word_model.py` and shipped as word_model.json next to this module. Where
bm25 weighs a word by how rare it is among all symptoms, this model weighs it by how well it
tells one entry from the others that print the same message ("ulimit" for a limit set too low
rather than leaked handles, "inotify" for a watch limit), so it ranks siblings. The calibration
reads its probability as a feature (rank.py). An entry the model was not fitted on (approved
after the last fit) ties with the model's first choice (rank._read_words): rerun the fit after
adding entries to entries/, then the calibration.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("word_model.json")
# the class of the real errors no entry covers: its probability is the share the words leave to
# no entry at all (it is no entry id: an id is lower-case words joined by '-')
NO_ENTRY = "_none"
# lower-cased words of two or more characters of the normalized text (rank.py passes
# Normalized.text: numbers, strings and paths are masked to <n>, <str>, <path>)
WORD = re.compile(r"[a-z][a-z0-9_]+")


# a word's first letters also count as a word of their own ("seria" of serialize,
# serializable, serialization; "conne" of connect, connection): users inflect the words an
# entry uses. With the parts of snake_case names, the model's first choice out of fold by
# collection on the tuning part went from 0.818 to 0.834 of covered errors (descriptions 0.787
# to 0.812; `python bench/fit_word_model.py --out-of-fold`); four or six letters did no better.
PREFIX = 5


def words(text: str) -> list[str]:
    """The model's words of a text (normalized first: the model reads what the index reads):
    its words, the parts of its snake_case names ("max_user_watches": max, user, watches) and
    the first PREFIX letters of each longer one, marked "~" ("watch~")."""
    found = WORD.findall(text.lower())
    parts = [part for word in found if "_" in word for part in word.split("_") if len(part) > 1]
    whole = found + parts
    return whole + [word[:PREFIX] + "~" for word in whole if len(word) > PREFIX]


def stop_words(stops: Iterable[str]) -> list[str]:
    """A word per character a JSON parser said it stopped at (Normalized.parser_stops): the
    masked message no longer shows it, and it names the body ('<' a page, 'u' undefined)."""
    return [f"jsonstop_{c.lower() if c.isalnum() else format(ord(c), 'x')}" for c in sorted(stops)]


def tf_idf(tokens: list[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear term frequency times idf, over the known words, scaled to unit length."""
    counts = Counter(t for t in tokens if t in idf)
    vector = {w: (1.0 + math.log(n)) * idf[w] for w, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {w: v / norm for w, v in vector.items()} if norm > 0 else {}


@dataclass(frozen=True, slots=True)
class WordModel:
    """The fitted model: its entries, each word's idf and its weights per entry index."""

    entries: tuple[str, ...]
    bias: tuple[float, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[tuple[int, float], ...]]
    fitted: frozenset[str] = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fitted", frozenset(self.entries) - {NO_ENTRY})

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> WordModel:
        """The model written by bench/fit_word_model.py."""
        return cls.of(json.loads(path.read_text(encoding="utf-8")), path.name)

    @classmethod
    def of(cls, data: dict, name: str = "word model") -> WordModel:
        """The model of a fit's content (as word_model.json holds it)."""
        entries = tuple(data["entries"])
        if len(data["bias"]) != len(entries):
            raise ValueError(f"{name}: {len(data['bias'])} biases for {len(entries)} entries")
        return cls(
            entries,
            tuple(float(b) for b in data["bias"]),
            {w: float(v) for w, v in data["idf"].items()},
            {w: tuple((int(k), float(v)) for k, v in p) for w, p in data["weights"].items()},
        )

    def probabilities(self, text: str, extra: Iterable[str] = ()) -> dict[str, float]:
        """Per entry the model knows, and NO_ENTRY, the probability that the text's words (and
        `extra` words, see stop_words) are its (sum 1)."""
        if not self.entries:
            return {}
        z = list(self.bias)
        for word, value in tf_idf([*words(text), *extra], self.idf).items():
            for k, weight in self.weights.get(word, ()):
                z[k] += value * weight
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {entry: e / total for entry, e in zip(self.entries, exp, strict=True)}

    def unfitted(self, ids: Iterable[str]) -> int:
        """How many of these entry ids the model was not fitted on (approved since its fit)."""
        return sum(1 for entry in ids if entry not in self.fitted)


@cache
def shipped() -> WordModel:
    """The model shipped next to this module, read once."""
    return WordModel.load()
