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


def label(status: str, shown_as: Shown | None) -> str:
    """The words a surface shows for a run: what it showed, else its status in words."""
    return str(shown_as) if shown_as is not None else status.replace("_", " ")


def best_shown(shown_by_snippet: Iterable[Shown | None]) -> Shown | None:
    """What a fix shows (the best of its snippets): a passed check over "ran without error"."""
    seen = [s for s in shown_by_snippet if s is not None]
    checked = [s for s in seen if s is not Shown.RAN_WITHOUT_ERROR]
    return checked[0] if checked else (seen[0] if seen else None)


def entry_shown(shown_by_fix: Iterable[Shown | None]) -> Shown | None:
    """What an entry shows as a whole: the least any of its fixes shows (None: some fix shows
    nothing, or there is no fix)."""
    seen = list(shown_by_fix)
    if not seen or any(s is None for s in seen):
        return None
    return Shown.RAN_WITHOUT_ERROR if Shown.RAN_WITHOUT_ERROR in seen else seen[0]


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
