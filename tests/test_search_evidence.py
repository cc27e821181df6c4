"""Evidence that ties a message to one entry's cause: the trace around the message."""

from __future__ import annotations

import numpy as np
from errata.search.evidence import context_support

WEIGHTS = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])


def ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int32)


def test_words_outside_the_symptom_that_the_entry_mentions_elsewhere_support_it() -> None:
    support = context_support(ids(1, 2, 3), WEIGHTS, ids(1, 2, 3, 5), ids(1), 0.0)
    assert support == 1.0


def test_words_outside_the_symptom_that_the_entry_never_mentions_do_not() -> None:
    support = context_support(ids(1, 2, 3), WEIGHTS, ids(1, 2, 5), ids(1), 0.0)
    assert support == 2.0 / 5.0


def test_words_no_entry_knows_weigh_against_the_support() -> None:
    support = context_support(ids(1, 2), WEIGHTS, ids(1, 2), ids(1), 2.0)
    assert support == 0.5


def test_a_bare_message_has_no_support() -> None:
    assert context_support(ids(1, 2), WEIGHTS, ids(1, 2, 3), ids(1, 2), 0.0) == 0.0
    assert context_support(ids(), WEIGHTS, ids(1, 2, 3), ids(1, 2), 0.0) == 0.0
