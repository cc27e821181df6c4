"""Give a process pool only what pickles: module-level functions, partials, plain data."""

import functools
import sqlite3
from concurrent.futures import ProcessPoolExecutor

# WRONG: the pool pickles the function and its arguments to send them to the workers.
#     pool.map(lambda row: classify(row, threshold), rows)   # Can't pickle local object / <lambda>
#     def work(row): ...   (defined inside a function)        # Can't pickle local object 'main.<locals>.work'
#     pool.submit(lookup, conn, key)                          # cannot pickle 'sqlite3.Connection' object


def _classify_one(threshold: float, row: dict) -> str:
    """Module level, so it is pickled by name; extra arguments come through functools.partial."""
    return classify(row, threshold)


def classify_all(rows: list[dict], threshold: float, workers: int = 2) -> list[str]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(functools.partial(_classify_one, threshold), rows, chunksize=16))


_conn: sqlite3.Connection | None = None


def _open_db(db_path: str) -> None:
    """Runs once in each worker: resources that cannot be pickled are created there."""
    global _conn
    _conn = sqlite3.connect(db_path)


def _lookup(key: str) -> str:
    assert _conn is not None
    return _conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()[0]


def lookup_all(db_path: str, keys: list[str], workers: int = 2) -> list[str]:
    """Pass the database path (plain data), never the connection."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_open_db, initargs=(db_path,)) as pool:
        return list(pool.map(_lookup, keys))
