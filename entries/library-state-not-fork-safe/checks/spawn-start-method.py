"""A GPU runtime initialised in the parent fails in forked workers and works in spawned ones.

The stand-in runtime does what torch.cuda does (torch/cuda/__init__.py): once initialised, an
at-fork hook marks every forked child as a bad fork, and any use there raises.
"""

import multiprocessing
import os
import sys
from pathlib import Path

from errata_check import load_snippet, record

Path("fakecuda.py").write_text(
    '''import os
_initialized = False
_in_bad_fork = False
def _after_fork():
    global _initialized, _in_bad_fork
    if _initialized:
        _initialized, _in_bad_fork = False, True
os.register_at_fork(after_in_child=_after_fork)
def init():
    global _initialized
    if _in_bad_fork:
        raise RuntimeError("Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
                           "multiprocessing, you must use the 'spawn' start method")
    _initialized = True
    return os.getpid()
def to_device(x):
    init()
    return ("cuda", os.getpid(), x * 2)
''',
    encoding="utf-8",
)
sys.path.insert(0, os.getcwd())  # spawned workers get the parent's sys.path
import fakecuda  # noqa: E402

MESSAGE = (
    "Cannot re-initialize CUDA in forked subprocess. To use CUDA with multiprocessing, "
    "you must use the 'spawn' start method"
)


def infer(x: int):
    """The reader's task: move a batch to the GPU."""
    try:
        return fakecuda.to_device(x)
    except RuntimeError as exc:
        return ("error", str(exc))


WORKER_CONTEXTS = []


def init_worker(tag: str) -> None:
    WORKER_CONTEXTS.append((tag, fakecuda.init()))  # each worker's own context


def context_of(_x: int):
    return WORKER_CONTEXTS[:1]


if __name__ == "__main__":  # spawned workers import this file: only the parent runs the check
    assert fakecuda.init() == os.getpid()  # the parent uses the GPU first (model.cuda())

    # 1. WRONG: a 'fork' pool after the parent initialised the GPU runtime.
    with multiprocessing.get_context("fork").Pool(2) as pool:
        wrong = pool.map(infer, range(4))
    assert wrong == [("error", MESSAGE)] * 4, wrong

    # 2. The fix: spawned workers start clean and create their own context.
    ns = load_snippet()
    fixed = ns["map_in_fresh_processes"](infer, range(4), processes=2)
    assert [device for device, _, _ in fixed] == ["cuda"] * 4, fixed
    assert [value for _, _, value in fixed] == [0, 2, 4, 6], fixed
    worker_pids = {pid for _, pid, _ in fixed}
    assert os.getpid() not in worker_pids, fixed

    # 3. With an initializer, as DataLoader's worker_init_fn: each worker's context is its own.
    inits = ns["map_in_fresh_processes"](
        context_of, range(4), processes=2, initializer=init_worker, initargs=("w",)
    )
    assert all(ctx and ctx[0][1] != os.getpid() for ctx in inits), inits
    assert fakecuda.init() == os.getpid()  # the parent's own context still works

    record(
        forked_workers_failed=len(wrong),
        forked_error="RuntimeError: " + MESSAGE,
        spawned_results_ok=len(fixed),
    )
