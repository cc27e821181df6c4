"""Analyse every symptom of an index build; a large base is split over two processes.

Analysis (masking, tokenizing, fingerprints) is pure Python and holds the GIL, so threads do not
help. Above `PARALLEL_MIN_LINES` symptoms a second Python process (a fresh interpreter fed
by a pipe: no fork, so it is safe in a threaded server, and no re-import of `__main__`)
analyses the tail while this one does the head. Below it, or when that process fails,
everything runs here.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .normalize import analyze_line

log = logging.getLogger("errata.search")

PARALLEL_MIN_LINES = 60_000  # below this, starting a process costs more than it saves
CHILD_SHARE = 0.46  # the child starts about a second late (imports): give it a bit less

# tokens, specific, fingerprints (values masked), fingerprints (quoted type names kept)
Analysed = tuple[tuple[str, ...], bool, frozenset[int], frozenset[int]]


def analyse(texts: list[str]) -> list[Analysed]:
    """What the index keeps of each symptom line, in order."""
    out: list[Analysed] = []
    for text in texts:
        line = analyze_line(text)
        out.append((line.tokens, line.specific, line.prints, line.word_prints))
    return out


_CHILD = (
    "import pickle, sys; from server.search.analyze import analyse; "
    "pickle.dump(analyse(pickle.load(sys.stdin.buffer)), sys.stdout.buffer, protocol=5)"
)


def _in_child(texts: list[str], result: list[bytes], errors: list[str]) -> None:
    """Run `analyse` on texts in a fresh interpreter; its pickled answer lands in result.

    The input goes in one blocking write (the GIL is released during it), not in
    `communicate`'s 512-byte select loop, which would fight the analysing thread for the GIL.
    """
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    payload = pickle.dumps(texts, protocol=5)
    try:
        with tempfile.TemporaryFile() as stderr:
            with subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env={**os.environ, "PYTHONPATH": path},
            ) as child:
                assert child.stdin is not None and child.stdout is not None
                child.stdin.write(payload)
                child.stdin.close()
                out = child.stdout.read()
                code = child.wait()
            if code:
                stderr.seek(0)
                errors.append(stderr.read()[-500:].decode("utf-8", "replace"))
            else:
                result.append(out)
    except OSError as exc:
        errors.append(str(exc))


def analyse_all(texts: list[str], *, min_parallel: int = PARALLEL_MIN_LINES) -> list[Analysed]:
    """`analyse(texts)`, on two processes when there are many texts and two cores."""
    if len(texts) < min_parallel or (os.cpu_count() or 1) < 2:
        return analyse(texts)
    cut = len(texts) - int(len(texts) * CHILD_SHARE)
    result: list[bytes] = []
    errors: list[str] = []
    worker = threading.Thread(target=_in_child, args=(texts[cut:], result, errors), daemon=True)
    worker.start()  # the thread only waits on pipes: it holds the GIL very little
    head = analyse(texts[:cut])
    worker.join()
    if not result:
        log.warning("index analysis ran on one process: %s", "; ".join(errors))
        return head + analyse(texts[cut:])
    tail: list[Analysed] = pickle.loads(result[0])
    return head + tail
