"""CPU-bound pure-Python work: use processes (one GIL each), not threads (one GIL shared)."""

import os
from concurrent.futures import ProcessPoolExecutor

# WRONG: threads for CPU-bound pure-Python work. Only the thread holding the GIL runs Python
# bytecode, so 8 threads take as long as 1 (and one core is busy).
#     with ThreadPoolExecutor(max_workers=8) as pool:
#         scores = list(pool.map(score, documents))


def score_all(documents: list[str], workers: int | None = None) -> list[int]:
    """Score documents on every core; `score` must be a module-level function so it pickles."""
    workers = workers or os.cpu_count() or 1
    chunksize = max(1, len(documents) // (workers * 4))  # fewer, larger messages between processes
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(score, documents, chunksize=chunksize))
