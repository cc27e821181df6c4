"""Lambdas, local functions and connections fail to pickle; the snippet's pool calls all succeed."""

import os
import pickle
import re
import sqlite3
from concurrent.futures import ProcessPoolExecutor

from errata_check import load_snippet, record


def classify(row: dict, threshold: float) -> str:
    """The reader's CPU-side function."""
    return "high" if row["score"] >= threshold else "low"


high_or_low = lambda row: classify(row, 0.5)  # noqa: E731 - the mistake under test


def wrong_attempts() -> list[str]:
    def local_work(row: dict) -> str:
        return classify(row, 0.5)

    conn = sqlite3.connect(":memory:")
    errors = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for call in (
            lambda: list(pool.map(high_or_low, [{"score": 1}])),
            lambda: list(pool.map(local_work, [{"score": 1}])),
            lambda: pool.submit(len, conn).result(),
        ):
            try:
                call()
                errors.append("no error")
            except (AttributeError, TypeError, pickle.PicklingError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
    conn.close()
    return errors


errors = wrong_attempts()
assert re.fullmatch(
    r"PicklingError: Can't pickle <function <lambda> at 0x[0-9a-f]+>: "
    r"attribute lookup <lambda> on __main__ failed",
    errors[0],
), errors
assert errors[1:] == [
    "AttributeError: Can't pickle local object 'wrong_attempts.<locals>.local_work'",
    "TypeError: cannot pickle 'sqlite3.Connection' object",
], errors

ns = load_snippet({"classify": classify})
rows = [{"score": i / 100} for i in range(100)]
labels = ns["classify_all"](rows, 0.5)
assert labels == ["low"] * 50 + ["high"] * 50, labels

db_path = os.path.join(os.getcwd(), "kv.sqlite3")
with sqlite3.connect(db_path) as db:
    db.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT)")
    db.executemany("INSERT INTO kv VALUES (?, ?)", [(f"k{i}", f"v{i}") for i in range(20)])
db.close()
assert ns["lookup_all"](db_path, [f"k{i}" for i in range(20)]) == [f"v{i}" for i in range(20)]
record(wrong_pickling_errors=len(errors), fixed_rows=len(labels), fixed_lookups=20)
