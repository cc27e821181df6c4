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
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


_CHILD = "from errata.search.analyze import serve; serve()"


def pack_flat(texts: list[str]) -> dict[str, Any]:
    """Analyses of texts as a vocabulary and flat int arrays (what the helper sends back: a
    pickle of millions of small tuples would cost hundreds of MB on both sides)."""
    vocab: dict[str, int] = {}
    ids, lens, flags = array("i"), array("i"), bytearray()
    prints, print_lens, words, word_lens = array("q"), array("i"), array("q"), array("i")
    for text in texts:
        tokens, specific, masked, word = _pack(text)
        ids.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
        lens.append(len(tokens))
        flags.append(specific)
        prints.extend(masked)
        print_lens.append(len(masked))
        words.extend(word)
        word_lens.append(len(word))
    arrays = {"ids": ids, "lens": lens, "prints": prints, "print_lens": print_lens}
    arrays |= {"words": words, "word_lens": word_lens}
    return {"vocab": list(vocab), "specific": bytes(flags)} | {
        k: v.tobytes() for k, v in arrays.items()
    }


def unpack_flat(flat: dict[str, Any]) -> Iterator[Analysed]:
    """The analyses `pack_flat` packed, one at a time and in order."""
    vocab = flat["vocab"]
    arrays = {}
    for key, code in (("ids", "i"), ("lens", "i"), ("prints", "q"), ("print_lens", "i")):
        arrays[key] = array(code, flat[key])
    for key, code in (("words", "q"), ("word_lens", "i")):
        arrays[key] = array(code, flat[key])
    at = {"ids": 0, "prints": 0, "words": 0}
    for n, specific, n_prints, n_words in zip(
        arrays["lens"], flat["specific"], arrays["print_lens"], arrays["word_lens"], strict=True
    ):
        tokens = tuple(map(vocab.__getitem__, arrays["ids"][at["ids"] : at["ids"] + n]))
        masked = tuple(arrays["prints"][at["prints"] : at["prints"] + n_prints])
        word = tuple(arrays["words"][at["words"] : at["words"] + n_words])
        at["ids"] += n
        at["prints"] += n_prints
        at["words"] += n_words
        yield tokens, bool(specific), masked, word


def serve() -> None:
    """The helper process: texts in (a pickle on stdin), `pack_flat` out (one on stdout)."""
    flat = pack_flat(pickle.load(sys.stdin.buffer))
    flat["peak_mb"] = _own_peak_mb()
    pickle.dump(flat, sys.stdout.buffer, protocol=5)


def _own_peak_mb() -> float:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would count the pages of the
    parent that the child had between fork and exec). 0 where /proc is missing."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


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
        self._tail: Iterator[Analysed] | None = None
        self.helper_peak_mb = 0.0  # the helper's own peak RSS, once it has answered
        self._result: list[bytes] = []
        self._errors: list[str] = []
        self._worker: threading.Thread | None = None
        if self._tail_texts:
            self._worker = threading.Thread(
                target=_in_child, args=(self._tail_texts, self._result, self._errors), daemon=True
            )
            self._worker.start()  # it only waits on pipes: it holds the GIL very little

    def _collect(self) -> Iterator[Analysed]:
        if self._worker is not None:
            self._worker.join()
        if self._result:
            flat = pickle.loads(self._result.pop())
            self.helper_peak_mb = float(flat.get("peak_mb", 0.0))
            return unpack_flat(flat)
        if self._worker is not None:
            log.warning("index analysis ran on one process: %s", "; ".join(self._errors))
        return map(_pack, self._tail_texts)

    def next(self) -> Analysed:
        """The next text's analysis."""
        if self._head_left:
            self._head_left -= 1
            return next(self._head)
        if self._tail is None:
            self._tail = self._collect()
        return next(self._tail)


def analyse_all(texts: list[str], *, min_parallel: int = PARALLEL_MIN_LINES) -> list[Analysed]:
    """`analyse(texts)`, on two processes when there are many texts and two cores."""
    analysis = Analysis(texts, min_parallel=min_parallel)
    return [analysis.next() for _ in texts]
