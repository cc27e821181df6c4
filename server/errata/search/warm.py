"""What a small main segment keeps decoded for searches: its ids, row texts and each row's
sorted token words (read per search otherwise), computed once per segment."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from .build import _State
from .strings import Strings

WARM_ROWS = 20_000  # a main of up to this many rows has their texts joined once, not per search


def sorted_rows(main: _State) -> list[str] | None:
    """Each main row's token texts sorted and joined, as score.py's similarity caches them
    (once per main segment; none for a main of more than WARM_ROWS rows)."""
    rows = len(main.row_specific)
    if main.sorted_rows is None and 0 < rows <= WARM_ROWS:
        tokens, word = main.row_tokens.tolist(), main.tokens_by_id.__getitem__
        starts = np.asarray(main.token_start).tolist()
        main.sorted_rows = [" ".join(sorted(map(word, tokens[a:b]))) for a, b in pairwise(starts)]
    return main.sorted_rows


def decoded(main: _State) -> tuple[Sequence[str], Sequence[str]]:
    """A main segment's ids and row texts as Python lists when it has at most WARM_ROWS rows
    (decoded once per segment), else as they are (decoded per read)."""
    if main.decoded is None:
        if len(main.row_specific) <= WARM_ROWS:
            main.decoded = (_listed(main.ids), _listed(main.texts))
        else:
            main.decoded = (main.ids, main.texts)
    return main.decoded


def _listed(strings: Sequence[str]) -> list[str]:
    return strings.to_list() if isinstance(strings, Strings) else list(strings)
