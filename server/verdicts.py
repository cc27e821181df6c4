"""One rule for what a group of snippet runs shows: a fix's status, a submission's verdict."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

FAILING: tuple[str, ...] = ("failed", "timeout", "error")
Combined = Literal["passed", "failed", "unverified"]


def combined_status(statuses: Iterable[str]) -> Combined:
    """`passed` when every run passed, `failed` when any failed (or timed out, or errored),
    `unverified` otherwise (nothing ran, a run is stale, or the sandbox was unavailable)."""
    seen = list(statuses)
    if any(status in FAILING for status in seen):
        return "failed"
    if seen and all(status == "passed" for status in seen):
        return "passed"
    return "unverified"
