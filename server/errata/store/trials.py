"""Queries on trials: a contributor's sandbox runs before submitting, kept only until shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from ..models import Trial


def create_trial(
    *,
    session: Session,
    trial_id: str,
    client_key: str,
    language: str,
    code: str,
    check_code: str,
) -> Trial:
    """Store a trial waiting for its run."""
    trial = Trial(
        id=trial_id, client_key=client_key, language=language, code=code, check_code=check_code
    )
    session.add(trial)
    session.flush()
    return trial


def get_trial(*, session: Session, trial_id: str) -> Trial | None:
    """One trial, or None."""
    return session.get(Trial, trial_id)


def finish_trial(*, session: Session, trial_id: str, result: dict[str, Any]) -> Trial | None:
    """Keep a trial's result and drop its code (nothing is stored until it is submitted)."""
    trial = session.get(Trial, trial_id, with_for_update=True)
    if trial is None:
        return None
    trial.status, trial.result, trial.code, trial.check_code = "done", result, "", ""
    session.add(trial)
    session.flush()
    return trial


def delete_trials_before(*, session: Session, before: datetime) -> int:
    """Delete the trials made before `before`; how many."""
    result = session.exec(delete(Trial).where(col(Trial.created_at) < before))
    return int(result.rowcount or 0)


def has_trials_before(*, session: Session, before: datetime) -> bool:
    """True when some trial was made before `before` (a read, so idle sweeps write nothing)."""
    query = select(Trial.id).where(col(Trial.created_at) < before).limit(1)
    return session.exec(query).first() is not None
