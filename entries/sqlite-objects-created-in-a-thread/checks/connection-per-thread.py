"""A shared connection fails in worker threads; a connection per thread does not."""

import sqlite3
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from errata_check import load_snippet, record

path = str(Path(tempfile.mkdtemp()) / "app.db")
shared = sqlite3.connect(path)
shared.execute("CREATE TABLE items (worker INTEGER, n INTEGER)")
shared.commit()
errors = []


def wrong_worker(worker: int) -> None:
    try:
        shared.execute("INSERT INTO items VALUES (?, ?)", (worker, 0))
    except sqlite3.ProgrammingError as exc:
        errors.append(str(exc))


threads = [threading.Thread(target=wrong_worker, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert len(errors) == 4, errors
assert errors[0].startswith("SQLite objects created in a thread can only be used in that same thread")

ns = load_snippet()
db = ns["Database"](path)


def worker(index: int) -> None:
    for n in range(200):
        db.execute("INSERT INTO items VALUES (?, ?)", (index, n))
    db.close()


with ThreadPoolExecutor(8) as pool:
    list(pool.map(worker, range(8)))
count = db.execute("SELECT COUNT(*) FROM items")[0][0]
assert count == 1600, count
record(wrong_errors=len(errors), fixed_rows=count)
