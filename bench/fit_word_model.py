"""Fit the word model (server/errata/search/word_model.py) on the entries' own texts and the
tuning part's real errors, and write server/errata/search/word_model.json.

One document per symptom and one of the title with the root cause, each normalized as the
index normalizes a query, labelled with its entry; and one per real error of the unseen tuning
part (bench/unseen.py), labelled with its expected entry or NO_ENTRY, weighing CASE_WEIGHT
documents: users' words for a cause ("ulimit", "docker compose", "after upgrading") that no
entry's text has. No test or fresh case and no written case file is read: the test and fresh
parts measure the model on text it never saw (the tuning part's own figures flatter it; the
calibration reads each tuning case with a model fitted without its collection). A
multinomial logistic regression (scikit-learn's lbfgs, a development dependency: the server
only reads the file) over their tf-idf; weights under PRUNE are dropped and the rest rounded,
which keeps the file small and the fit stable
across machines. Run it after adding or changing entries, then bench/calibrate.py.

    python bench/fit_word_model.py           # fit and write the file
    python bench/fit_word_model.py --check   # refit and exit 1 if the shipped file differs
    python bench/fit_word_model.py --out-of-fold   # its first choices, each collection unseen
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from errata.entry_files import parse_entries  # noqa: E402
from errata.search import normalize  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))

from errata.search.word_model import (  # noqa: E402
    MODEL_FILE,
    NO_ENTRY,
    WordModel,
    stop_words,
    tf_idf,
    words,
)
from unseen import unseen_cases  # noqa: E402

C = 30.0  # inverse L2 penalty: the entries' texts are few, the words that tell them apart rare
PRUNE = 0.1  # smaller weights change no ranking; dropping them keeps the file small
DECIMALS = 2
# A real error weighs this many documents of an entry's own text: there are about six per
# entry against a dozen of its own; 3 gave the most right first answers out of fold by
# collection on the tuning part (1: 0.892, 3: 0.895, without them: 0.885)
CASE_WEIGHT = 3.0
TOL = 1e-6  # lbfgs stops here: a fit takes seconds, and the calibration fits one per fold
TOLERANCE = 0.05  # --check: the largest weight difference a refit on another machine may show


def document(text: str) -> list[str]:
    """A text's words as the model reads a query's (rank._read_words)."""
    read = normalize(text)
    return words(read.text) + stop_words(read.parser_stops)


def documents(entries_dir: Path) -> tuple[list[list[str]], list[str]]:
    """Each entry's documents as word lists, and their entry ids."""
    texts, labels = [], []
    for draft in sorted(parse_entries(entries_dir), key=lambda d: d.id):
        for text in [*draft.symptoms, f"{draft.title} {draft.root_cause}"]:
            texts.append(document(text))
            labels.append(draft.id)
    return texts, labels


def case_documents(cases: list[dict]) -> tuple[list[list[str]], list[str]]:
    """Each real error's words and its entry (NO_ENTRY when none covers it)."""
    return [document(c["query"]) for c in cases], [c.get("expected") or NO_ENTRY for c in cases]


def inverse_frequencies(texts: list[list[str]]) -> dict[str, float]:
    """Smoothed idf of every word of the documents, sorted by word."""
    n = len(texts)
    df = Counter(w for text in texts for w in set(text))
    return {w: round(math.log((1 + n) / (1 + df[w])) + 1, 4) for w in sorted(df)}


def fit(entries_dir: Path = ROOT / "entries", cases: list[dict] | None = None) -> dict[str, Any]:
    """The model's file content, fitted on the entries of entries_dir and on `cases` (the
    unseen tuning part when None)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    texts, labels = documents(entries_dir)
    own = len(texts)
    real_texts, real_labels = case_documents(unseen_cases("tune") if cases is None else cases)
    texts, labels = texts + real_texts, labels + real_labels
    sample_weight = [1.0] * own + [CASE_WEIGHT] * len(real_texts)
    idf = inverse_frequencies(texts)
    column = {w: j for j, w in enumerate(idf)}
    rows, cols, values = [], [], []
    for i, text in enumerate(texts):
        for w, v in tf_idf(text, idf).items():
            rows.append(i)
            cols.append(column[w])
            values.append(v)
    x = csr_matrix((values, (rows, cols)), shape=(len(texts), len(idf)))
    model = LogisticRegression(C=C, max_iter=10_000, tol=TOL)
    model.fit(x, labels, sample_weight=sample_weight)
    entries = [str(e) for e in model.classes_]
    weights: dict[str, list[list[float]]] = {}
    for w, j in column.items():
        pairs = [[k, round(float(v), DECIMALS)] for k, v in enumerate(model.coef_[:, j])]
        kept = [p for p in pairs if abs(p[1]) >= PRUNE]
        if kept:
            weights[w] = kept
    return {
        "entries": entries,
        "bias": [round(float(b), 3) for b in model.intercept_],
        "idf": {w: v for w, v in idf.items() if w in weights},
        "weights": weights,
        "fit": {
            "documents": len(texts),
            "real_errors": len(real_texts),
            "case_weight": CASE_WEIGHT,
            "words": len(idf),
            "c": C,
            "prune": PRUNE,
        },
    }


def _dense(data: dict[str, Any]) -> tuple[list[str], list[str], Any]:
    entries, vocab = list(data["entries"]), sorted(data["weights"])
    matrix = np.zeros((len(entries), len(vocab)))
    for j, w in enumerate(vocab):
        for k, v in data["weights"][w]:
            matrix[k, j] = v
    return entries, vocab, matrix


def differs(shipped: dict[str, Any], refit: dict[str, Any]) -> str | None:
    """Why the shipped file is not this fit's output, or None (weights within TOLERANCE)."""
    if shipped["entries"] != refit["entries"]:
        return "the entries differ"
    a, b = _dense(shipped), _dense(refit)
    vocab = sorted(set(a[1]) | set(b[1]))
    pad = [np.zeros((len(a[0]), len(vocab))) for _ in (a, b)]
    for (_, words_, m), out in zip((a, b), pad, strict=True):
        index = {w: j for j, w in enumerate(vocab)}
        out[:, [index[w] for w in words_]] = m
    gap = float(np.max(np.abs(pad[0] - pad[1]))) if vocab else 0.0
    bias_gap = max(abs(x - y) for x, y in zip(shipped["bias"], refit["bias"], strict=True))
    if max(gap, bias_gap) > TOLERANCE:
        return f"weights differ by up to {max(gap, bias_gap):.3f}"
    return None


def dumps(data: dict[str, Any]) -> str:
    """The file's text: one line per word's weights, so a refit's diff shows what moved."""
    tight = (",", ":")
    head = json.dumps({k: v for k, v in data.items() if k != "weights"}, separators=tight)
    weights = data["weights"]
    lines = [f"{json.dumps(w)}:{json.dumps(weights[w], separators=tight)}" for w in weights]
    return head[:-1] + ',\n"weights":{\n' + ",\n".join(lines) + "\n}}\n"


def out_of_fold(entries_dir: Path = ROOT / "entries") -> list[tuple[dict, list[str]]]:
    """Each real error of the tuning part with the entries its words point to, best first, as
    a model fitted without its collection (the cases gathered with it) reads them."""
    cases = unseen_cases("tune")
    read = []
    for fold in sorted({case["collection"] for case in cases}):
        kept = [case for case in cases if case["collection"] != fold]
        model = WordModel.of(fit(entries_dir, cases=kept))
        for case in cases:
            if case["collection"] == fold:
                query = normalize(case["query"])
                found = model.probabilities(query.text, stop_words(query.parser_stops))
                read.append((case, sorted(found, key=lambda entry: (-found[entry], entry))))
    return read


def print_out_of_fold(read: list[tuple[dict, list[str]]]) -> None:
    """How often the model's first (and first three) choices are the expected entry, per kind
    of input, and how often it says no entry to an error that no entry covers."""
    covered = [(case, ranked) for case, ranked in read if case.get("expected")]
    for kind in ("all", "trace", "log", "description"):
        part = [(c, r) for c, r in covered if kind in ("all", c["kind"])]
        first = sum(1 for c, r in part if r[0] == c["expected"])
        three = sum(1 for c, r in part if c["expected"] in r[:3])
        print(f"{kind:12s} n={len(part):4d}  first {first / max(1, len(part)):.3f}"
              f"  first three {three / max(1, len(part)):.3f}")  # fmt: skip
    uncovered = [r for c, r in read if not c.get("expected")]
    said = sum(1 for r in uncovered if r[0] == NO_ENTRY)
    print(f"uncovered    n={len(uncovered):4d}  no entry first {said / max(1, len(uncovered)):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    parser.add_argument(
        "--out-of-fold",
        action="store_true",
        help="print the model's own figures on the tuning part, out of fold by collection",
    )
    parser.add_argument("--entries", type=Path, default=ROOT / "entries")
    args = parser.parse_args()
    if args.out_of_fold:
        print_out_of_fold(out_of_fold(args.entries))
        return 0
    data = fit(args.entries)
    if args.check:
        shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        why = differs(shipped, data)
        print(f"{MODEL_FILE.name}: {why or 'current'}")
        return 1 if why else 0
    MODEL_FILE.write_text(dumps(data), encoding="utf-8")
    WordModel.load(MODEL_FILE)  # it reads back
    print(f"wrote {MODEL_FILE} ({len(data['entries'])} entries, {len(data['weights'])} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
