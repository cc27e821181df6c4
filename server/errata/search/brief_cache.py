"""The fixes of recently returned entries, so a repeated or similar search reads only its
entries' own rows (one primary-key query) instead of every fix, snippet and run.

A result's fixes change only with the entries' revision (every change of an entry, its fixes or
snippets bumps it) or when a run is added; the entries' query reads both (`store.entry_briefs`)
and the cache drops everything when either moved. A search whose fixes are not all cached
reads entries, stamp and fixes in one statement (`store.briefs_with_fixes`). Fixes are stored
only under the stamp they were read with, so a search racing a change never keeps old fixes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import Connection
from sqlmodel import Session

from .. import store
from ..store.briefs import BriefRow, FixRow

MAX_ENTRIES = 4_096  # about the results of a thousand searches; their fixes are a few KB each


class BriefCache:
    """Fixes by entry id, least recently used dropped first, valid for one stamp."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._size = size
        self._stamp: tuple[object, ...] | None = None
        self._fixes: OrderedDict[str, list[FixRow]] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0  # how many searches read fixes from the database (for tests)

    def briefs(
        self, session: Session | Connection, source: object, entry_ids: list[str]
    ) -> dict[str, BriefRow]:
        """The briefs of the given active entries, their fixes from the cache while the stamp
        holds; `source` names the database (tests search one index against several). When
        some are not cached, entries and fixes are read in one statement."""
        with self._lock:
            cached_all = self._stamp is not None and self._stamp[0] == id(source)
            cached_all = cached_all and all(i in self._fixes for i in entry_ids)
        if not cached_all:
            read_at, fresh = store.briefs_with_fixes(session=session, entry_ids=entry_ids)
            self.reads += 1
            stamp = (id(source), *read_at)
            with self._lock:
                if stamp != self._stamp:
                    self._fixes.clear()
                    self._stamp = stamp
            self._keep(stamp, {i: brief.fixes for i, brief in fresh.items()})
            return fresh
        return self._cached_briefs(session, source, entry_ids)

    def _cached_briefs(
        self, session: Session | Connection, source: object, entry_ids: list[str]
    ) -> dict[str, BriefRow]:
        """The entries' own fields read, their fixes taken from the cache (read again when the
        stamp moved since they were kept)."""
        read_at, cached = store.entry_briefs(session=session, entry_ids=entry_ids)
        stamp = (id(source), *read_at)
        with self._lock:
            if stamp != self._stamp:
                self._fixes.clear()
                self._stamp = stamp
            known = {i: self._fixes[i] for i in cached if i in self._fixes}
            for entry_id in known:
                self._fixes.move_to_end(entry_id)
        missing = {i: brief for i, brief in cached.items() if i not in known}
        if missing:
            self.reads += 1
            store.add_fixes(session=session, briefs=missing)
            self._keep(stamp, {i: brief.fixes for i, brief in missing.items()})
        for entry_id, fixes in known.items():  # the briefs were read for this search alone
            cached[entry_id].fixes = fixes
        return cached

    def _keep(self, stamp: object, fixes: dict[str, list[FixRow]]) -> None:
        with self._lock:
            if stamp != self._stamp:  # the data moved while these were read: not kept
                return
            self._fixes.update(fixes)
            while len(self._fixes) > self._size:
                self._fixes.popitem(last=False)
