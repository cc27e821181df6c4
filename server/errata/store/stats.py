"""Counts for the metrics page: verification runs and submissions by status."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from ..models import Submission, VerificationRun


def run_totals(*, session: Session) -> list[tuple[str, int, float]]:
    """Per run status: how many runs are stored and their total duration in seconds."""
    rows = session.exec(
        select(
            VerificationRun.status, func.count(), func.sum(VerificationRun.duration_ms)
        ).group_by(col(VerificationRun.status))
    ).all()
    return [(status, int(n), float(ms or 0.0) / 1000) for status, n, ms in rows]


def submission_states(*, session: Session) -> list[tuple[str, int]]:
    """How many submissions are in each state."""
    rows = session.exec(
        select(Submission.status, func.count()).group_by(col(Submission.status))
    ).all()
    return [(status, int(n)) for status, n in rows]
