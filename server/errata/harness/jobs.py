"""The errors of queueing a verification job."""

from __future__ import annotations


class QueueFull(RuntimeError):
    """The verification queue holds `verify_queue_size` jobs already."""


class UnknownTarget(LookupError):
    """The entry (or other target) to verify does not exist."""
