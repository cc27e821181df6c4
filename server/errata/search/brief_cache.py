"""The briefs of recently returned entries, so a repeated or similar search reads one stamp
from the database instead of every fix and snippet of its results.

A brief depends on its entry's rows, which change only with the entries' revision, and on its
snippets' newest runs, which change only when a run is added: `store.brief_stamp` reads both
in one query and the cache drops everything when either moved. Rows are stored only under the
stamp they were read with, so a search racing a change never keeps an old brief.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlmodel import Session

from .. import store
from ..store.briefs import BriefRow

MAX_BRIEFS = 4_096  # about the results of a thousand searches; a brief is a few KB


class BriefCache:
    """Briefs by entry id, least recently used dropped first, valid for one stamp."""

    def __init__(self, size: int = MAX_BRIEFS) -> None:
        self._size = size
        self._stamp: object = None
        self._rows: OrderedDict[str, BriefRow] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0  # how many searches read briefs from the database (for tests)

    def briefs(self, session: Session, source: object, entry_ids: list[str]) -> dict[str, BriefRow]:
        """The briefs of the given active entries, from the cache when the stamp still holds;
        `source` names the database (one index may be searched against several in tests)."""
        stamp = (id(source), *store.brief_stamp(session=session))
        with self._lock:
            if stamp != self._stamp:
                self._rows.clear()
                self._stamp = stamp
            found = {i: self._rows[i] for i in entry_ids if i in self._rows}
            for entry_id in found:
                self._rows.move_to_end(entry_id)
        missing = [i for i in entry_ids if i not in found]
        if missing:
            self.reads += 1
            fetched = store.search_briefs(session=session, entry_ids=missing)
            self._keep(stamp, fetched)
            found |= fetched
        return found

    def _keep(self, stamp: object, fetched: dict[str, BriefRow]) -> None:
        with self._lock:
            if stamp != self._stamp:  # the data moved while these were read: not kept
                return
            self._rows.update(fetched)
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)
