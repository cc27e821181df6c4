"""The long-lived parts of one running errata, and the operations every interface calls.

REST, MCP, the web pages and the CLI all search through `Services.search`, so a query is
validated once, with one set of messages, and the configured limits always apply: a search
made for a client (REST, MCP, web) passes the process's one `SearchAdmission` (a rate per
client, a bound on heavy searches) and may raise `SearchRefused`; the CLI searches for nobody
but its own user and is not limited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .config import Settings
from .contributions.jobs import submission_target
from .contributions.trial import TRIAL_TARGET
from .db import Database
from .harness.runner import Harness
from .harness.verify import ENTRY_TARGET, SandboxLike
from .observe import gaps, metrics
from .public import SearchResponse
from .search import SearchIndex, SearchUnavailable
from .search import search as search_index
from .search.admission import AdmissionLimits, SearchAdmission
from .skill_archive import SkillSource

log = logging.getLogger("errata")


def make_harness(
    settings: Settings,
    database: Database,
    sandbox: SandboxLike | None = None,
    *,
    poll_seconds: float = 1.0,
) -> Harness:
    """The verification runner with every job kind errata queues: entries, submissions and
    contributors' trial runs."""
    submissions = submission_target(settings.verify_queue_size)
    targets = {"entry": ENTRY_TARGET, "submission": submissions, "trial": TRIAL_TARGET}
    return Harness(settings, database, targets, sandbox, poll_seconds=poll_seconds)


@dataclass
class Services:
    """What REST, MCP, the web and the CLI call into; one per app (and per process)."""

    settings: Settings
    database: Database
    index: SearchIndex | None = None  # built in the app's lifespan (or by the CLI)
    harness: Harness | None = None  # started in the app's lifespan
    maintainer_token: str = ""  # settled by `security.install` (generated in development)
    skill_source: SkillSource | None = None  # the skill folder the registry serves, cached
    admission: SearchAdmission | None = None  # None: no search is limited (see with_admission)

    @classmethod
    def with_admission(
        cls, settings: Settings, database: Database, index: SearchIndex | None = None
    ) -> Services:
        """Services for a server: searches for clients pass one gate built from `settings`."""
        gate = SearchAdmission(AdmissionLimits.from_settings(settings))
        return cls(settings=settings, database=database, index=index, admission=gate)

    def search(
        self,
        query: str,
        *,
        limit: int = 5,
        language: str | None = None,
        client: str | None = None,
        record: bool = True,
    ) -> SearchResponse:
        """Match a trace, log excerpt or sentence for `client` (None: an unlimited local caller).

        Raises SearchInputError, SearchUnavailable, or SearchRefused when the gate says no.
        `record` counts the search in the metrics and keeps a no-match as a gap; errata's own
        searches (a submission's duplicate check) pass False.
        """
        if self.index is None:
            raise SearchUnavailable("the search index is not ready yet; try again in a moment")
        if client is None or self.admission is None:
            response = self._search(query, limit, language)
        else:
            with self.admission.admit(client, len(query)):
                response = self._search(query, limit, language)
        if record:
            metrics.observe_search(response.status, query)
            if response.status == "no_match":
                gaps.record_no_match(self, query, language)
        return response

    def _search(self, query: str, limit: int, language: str | None) -> SearchResponse:
        assert self.index is not None
        return search_index(
            self.index,
            self.database,
            query,
            limit=limit,
            language=language,
            max_chars=self.settings.max_query_chars,
        )

    def refresh_index(self) -> None:
        """Take this process's own change into its index now (others see the revision move).

        The change itself is committed: a failed refresh is logged, and the poller catches up.
        """
        if self.index is None:
            return
        try:
            self.index.refresh_if_changed(self.database)
        except Exception:
            log.exception("search index refresh failed; the poller will catch up")

    def verification_available(self) -> tuple[bool, str]:
        """Whether code can run in the sandbox here, and why not."""
        if self.settings.sandbox.lower() == "off":
            return False, "the sandbox is turned off (ERRATA_SANDBOX=off)"
        if self.harness is None:
            return False, "the verification harness is not running"
        described = self.harness.describe()
        if not described["available"]:
            return False, str(described["reason"] or "the sandbox is unavailable")
        return True, ""

    def wake_harness(self) -> None:
        """Tell the harness a job was queued (no-op when it is not running)."""
        if self.harness is not None:
            self.harness.wake()
