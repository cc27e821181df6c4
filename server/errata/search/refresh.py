"""Keep a process's index fresh: poll the shared revision, and wake at once after local writes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from ..db import Database
from .index import SearchIndex

log = logging.getLogger("errata.search")


async def _poll(
    index: SearchIndex, database: Database, seconds: float, wake: asyncio.Event
) -> None:
    while True:
        # asyncio.timeout, not wait_for: in Python 3.11 wait_for can swallow the shutdown
        # cancel when a commit wakes the poller at the same moment, and the app never stops.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await wake.wait()
        wake.clear()
        try:
            if await asyncio.to_thread(index.refresh_if_changed, database):
                log.info("search index rebuilt: %s", index.describe())
        except Exception as exc:  # a database hiccup must not kill the poller
            log.warning("search index refresh failed: %s", exc)


@contextlib.asynccontextmanager
async def keep_fresh(index: SearchIndex, database: Database, seconds: float) -> AsyncIterator[None]:
    """Run the poller for the life of the app; any commit on this database wakes it."""
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def after_commit(session: Session) -> None:
        bind: Any = session.get_bind()
        if getattr(bind, "pool", None) is database.engine.pool:
            loop.call_soon_threadsafe(wake.set)

    event.listen(Session, "after_commit", after_commit)
    task = asyncio.create_task(_poll(index, database, seconds, wake))
    try:
        yield
    finally:
        event.remove(Session, "after_commit", after_commit)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
