"""One rate-limit path: every per-client limit is counted in the database (so it holds across
processes) by `check_rate`, and refused with one error, `RateLimited`, that interfaces turn
into a 429 with Retry-After, an MCP tool error or a form message."""

from __future__ import annotations

import math

from . import store
from .db import Database
from .observe import metrics

WINDOW_SECONDS = 60.0


class RateLimited(RuntimeError):
    """Too many requests of one kind from one client; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float, what: str) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"too many {what} from this client; try again in {self.retry_after} s")


def check_rate(
    database: Database, *, action: str, client_key: str, per_minute: int, what: str
) -> None:
    """Count one `action` of a client in its own short write; RateLimited over `per_minute`."""
    with database.write() as session:
        retry = store.hit_rate_limit(
            session=session,
            key=f"{action}:{client_key}",
            limit=per_minute,
            window_seconds=WINDOW_SECONDS,
        )
    if retry is not None:
        metrics.observe_refusal(action)
        raise RateLimited(retry, what)
