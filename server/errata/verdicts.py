"""What a verification run showed, in the words every surface uses, and what it counts for.

Run statuses (models.RunStatus): `passed` (a check ran to its end and said so on the run's
verdict channel), `ran_without_error` (a snippet with no check ran to its end: nothing was
checked), `failed`, `timeout`, `error`, `unverified` (nothing ran). A run also carries the
static review's flags (harness/review.py).

Who has looked: an entry's code was read by a maintainer before it became an entry (curated
files are reviewed in the repository, contributed ones approved in moderation), so a flag on
an entry's run is shown but withholds nothing. A submission's run has not been looked at: a
flag holds it as `flagged` until a maintainer decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Literal

FAILING = ("failed", "timeout", "error")
Combined = Literal["passed", "failed", "ran_without_error", "unverified"]


class Shown(StrEnum):
    """What a fix's run showed, said the same way on every surface."""

    ERRATA_CHECK_PASSED = "errata's check passed"
    CONTRIBUTOR_CHECK_PASSED = "the contributor's check passed"
    RAN_WITHOUT_ERROR = "ran without error"


def counts_as_passed(status: str, flags: Sequence[Any] = (), *, reviewed: bool = True) -> bool:
    """A run that verifies its snippet: its check passed, and any flag was looked at."""
    return status == "passed" and (reviewed or not flags)


def shown(
    status: str, origin: str, flags: Sequence[Any] = (), *, reviewed: bool = True
) -> Shown | None:
    """What a current run showed (None: nothing that can be claimed, or not yet looked at)."""
    if flags and not reviewed:
        return None
    if status == "ran_without_error":
        return Shown.RAN_WITHOUT_ERROR
    if status != "passed":
        return None
    return Shown.ERRATA_CHECK_PASSED if origin == "curated" else Shown.CONTRIBUTOR_CHECK_PASSED


def combined_status(statuses: Iterable[str]) -> Combined:
    """What a group of runs (a fix's snippets) shows: `failed` when any failed, timed out or
    errored; `passed` when every one passed; `ran_without_error` when every one ran to its end
    and some had no check; `unverified` otherwise (nothing ran, or a run is stale)."""
    seen = list(statuses)
    if any(status in FAILING for status in seen):
        return "failed"
    if seen and all(status == "passed" for status in seen):
        return "passed"
    if seen and all(status in ("passed", "ran_without_error") for status in seen):
        return "ran_without_error"
    return "unverified"


def submission_status(runs: Sequence[tuple[str, Sequence[Any]]]) -> str:
    """A submission's status from its snippets' (run status, flags), none looked at yet.

    failed > flagged (a maintainer must look) > verified (every check passed) >
    ran_without_error (every snippet ran, some had no check) > unverified (nothing ran).
    """
    combined = combined_status(status for status, _ in runs)
    if combined == "failed":
        return "failed"
    if any(flags for _, flags in runs):
        return "flagged"
    return "verified" if combined == "passed" else combined
