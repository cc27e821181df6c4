"""numpy's sum of some of a row's values, for every row of a mask at once, bit for bit.

`weights[mask[k]].sum()` is numpy's pairwise sum of those values, starting from 0.0 (runs of
8 to 128 values go to 8 running sums first, so it differs from adding them one by one).
`np.add.reduceat` sums each segment of a flat array with the same pairwise loop, starting from
the segment's first value: a 0.0 put before each row's values makes it start where the sum
starts, so both agree bit for bit (tests/test_search_known.py checks rows of 0 to 300 values).
https://numpy.org/doc/stable/reference/generated/numpy.ufunc.reduceat.html
"""

from __future__ import annotations

from typing import Any

import numpy as np


def masked_sums(mask: Any, weights: Any) -> list[float]:
    """Per row k of a bool matrix, `weights[mask[k]].sum()` (float64 weights, one per
    column), equal bit for bit."""
    n = len(mask)
    if not n:
        return []
    rows, columns = np.nonzero(mask)  # row after row, each row's columns in order
    lengths = np.bincount(rows, minlength=n) + 1  # each row's values after its 0.0
    flat = np.zeros(len(rows) + n)
    flat[np.arange(1, len(rows) + 1) + rows] = weights[columns]
    return list(np.add.reduceat(flat, np.cumsum(lengths) - lengths).tolist())
