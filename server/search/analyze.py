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
CHILD_SHARE = 0.5  # this process also adds every entry and its title: give the helper more

# tokens, specific, fingerprints (values masked), fingerprints (quoted type names kept)
Analysed = tuple[tuple[str, ...], bool, tuple[int, ...], tuple[int, ...]]


def _pack(text: str) -> Analysed:
    line = analyze_line(text)
    return line.tokens, line.specific, tuple(line.prints), tuple(line.word_prints)


def analyse(texts: list[str]) -> list[Analysed]:
    """What the index keeps of each symptom line, in order (tuples: small at 100k entries)."""
    return [_pack(text) for text in texts]


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


class Analysis:
    """Analyses of `texts` handed out in order by `next()`: the head is analysed here on demand
    (streamed, never held as a list), the tail by a helper process started at once."""

    def __init__(self, texts: list[str], *, min_parallel: int = PARALLEL_MIN_LINES) -> None:
        cut = len(texts)
        if len(texts) >= min_parallel and (os.cpu_count() or 1) >= 2:
            cut -= int(len(texts) * CHILD_SHARE)
        self._head = map(_pack, texts[:cut])
        self._head_left = cut
        self._tail_texts = texts[cut:]
        self._tail: list[Analysed] | None = None
        self._result: list[bytes] = []
        self._errors: list[str] = []
        self._worker: threading.Thread | None = None
        if self._tail_texts:
            self._worker = threading.Thread(
                target=_in_child, args=(self._tail_texts, self._result, self._errors), daemon=True
            )
            self._worker.start()  # it only waits on pipes: it holds the GIL very little

    def _collect(self) -> list[Analysed]:
        if self._worker is not None:
            self._worker.join()
        if self._result:
            tail: list[Analysed] = pickle.loads(self._result.pop())
            return tail
        if self._worker is not None:
            log.warning("index analysis ran on one process: %s", "; ".join(self._errors))
        return analyse(self._tail_texts)

    def next(self) -> Analysed:
        """The next text's analysis."""
        if self._head_left:
            self._head_left -= 1
            return next(self._head)
        if self._tail is None:
            self._tail = self._collect()
            self._tail.reverse()  # handed out by pop(): each is freed once it is used
            self._tail_texts = []
        return self._tail.pop()


def analyse_all(texts: list[str], *, min_parallel: int = PARALLEL_MIN_LINES) -> list[Analysed]:
    """`analyse(texts)`, on two processes when there are many texts and two cores."""
    analysis = Analysis(texts, min_parallel=min_parallel)
    return [analysis.next() for _ in texts]
