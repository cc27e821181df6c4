"""The briefs of recently returned entries, so a repeated or similar search reads only what
it lacks: the briefs of entries it has not returned lately, or, when it has them all, only
the stamp they depend on.

A result's brief (the entry's own fields, its fixes, snippets and their newest runs) changes
only with the entries' revision (every change of an entry, its fixes or snippets bumps it, in
the same transaction) or when a run is added; each read of briefs also reads both
(`store.briefs_with_fixes`, `store.briefs_stamp`), and the cache drops everything when either
moved. Briefs are kept only under the stamp they were read with, so a search racing a change
never keeps old ones; one whose cached briefs were read under an older stamp reads them all
again in one statement.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlmodel import Session

from .. import store
from ..db import Reader
from ..store.briefs import BriefRow

MAX_ENTRIES = 4_096  # about the results of a thousand searches; a brief is a few KB

Stamp = tuple[object, ...]  # id(database), then `store.briefs_stamp`


class BriefCache:
    """Briefs by entry id, least recently used dropped first, valid for one stamp. The
    briefs it returns are shared by the searches that read them: never changed."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._size = size
        self._stamp: Stamp | None = None
        self._briefs: OrderedDict[str, BriefRow] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0  # how many searches read briefs from the database (for tests)

    def briefs(
        self, session: Session | Reader, source: object, entry_ids: list[str]
    ) -> dict[str, BriefRow]:
        """The briefs of the given active entries (unknown or retired ones left out); `source`
        names the database (tests search one index against several). Those not cached are
        read in one statement that also reads the stamp; with all of them cached, only the
        stamp is read."""
        held, cached = self._cached(source, entry_ids)
        missing = [i for i in entry_ids if i not in cached]
        fresh: dict[str, BriefRow] = {}
        if missing:
            read_at, fresh = store.briefs_with_fixes(session=session, entry_ids=missing)
            self.reads += 1
        else:
            read_at = store.briefs_stamp(session=session)
        stamp = (id(source), *read_at)
        if cached and stamp != held:  # kept under an older stamp: every brief read again
            read_at, fresh = store.briefs_with_fixes(session=session, entry_ids=entry_ids)
            stamp, cached = (id(source), *read_at), {}
        self._keep(stamp, fresh)
        return cached | fresh

    def _cached(
        self, source: object, entry_ids: list[str]
    ) -> tuple[Stamp | None, dict[str, BriefRow]]:
        """The stamp the cache holds and its briefs of these entries (none for another
        database), marked as recently used."""
        with self._lock:
            stamp, kept = self._stamp, self._briefs
            if stamp is None or stamp[0] != id(source):
                return stamp, {}
            found = {i: kept[i] for i in entry_ids if i in kept}
            for entry_id in found:
                kept.move_to_end(entry_id)
            return stamp, found

    def _keep(self, stamp: Stamp, briefs: dict[str, BriefRow]) -> None:
        """Keep briefs read under `stamp`; another stamp drops every brief kept before (none
        read: nothing changes, as after reading only unknown ids)."""
        if not briefs:
            return
        with self._lock:
            if stamp != self._stamp:
                self._briefs.clear()
                self._stamp = stamp
            self._briefs.update(briefs)
            while len(self._briefs) > self._size:
                self._briefs.popitem(last=False)
