"""Every database query, as keyword-only functions; nothing outside this package uses select().

One module per entity family, re-exported here so callers write `store.get_entry(...)`.
"""

from .briefs import BriefRow, search_briefs
from .entries import (
    bump_revision,
    changed_entries,
    entry_hashes,
    get_entry_draft,
    get_revision,
    get_revisions,
    index_documents,
    list_entries,
    retire_entry,
    upsert_entry,
)
from .entry_view import get_entry
from .gaps import list_gaps, prune_gaps, prune_gaps_days, record_gap
from .limits import hit_rate_limit
from .outcomes import (
    add_outcome,
    bump_outcome_revision,
    outcome_clients,
    outcome_counts,
    outcome_scores,
)
from .sessions import recent_events, revoke_session, session_revoked
from .stats import run_totals, submission_states
from .submissions import (
    attach_runs_to_entry,
    count_submissions,
    create_submission,
    get_submission,
    id_taken,
    latest_submission_job,
    list_submissions,
    submission_runs,
    submissions_in,
    transition_submission,
)
from .verification import (
    active_entry_ids,
    claim_job,
    enqueue_job,
    entries_needing_verification,
    entry_exists,
    finish_job,
    get_job,
    has_claimable_job,
    job_runs,
    queue_depth,
    record_run,
    release_job,
    renew_lease,
    snippets_to_verify,
)

__all__ = [  # noqa: RUF022 (verification names kept together for merges)
    "list_gaps",
    "outcome_clients",
    "prune_gaps",
    "prune_gaps_days",
    "record_gap",
    "run_totals",
    "submission_states",
    "BriefRow",
    "search_briefs",
    "active_entry_ids",
    "claim_job",
    "enqueue_job",
    "entries_needing_verification",
    "entry_exists",
    "finish_job",
    "get_job",
    "has_claimable_job",
    "job_runs",
    "queue_depth",
    "record_run",
    "release_job",
    "renew_lease",
    "snippets_to_verify",
    "add_outcome",
    "bump_outcome_revision",
    "get_revisions",
    "outcome_scores",
    "attach_runs_to_entry",
    "count_submissions",
    "create_submission",
    "get_submission",
    "hit_rate_limit",
    "id_taken",
    "list_submissions",
    "recent_events",
    "revoke_session",
    "session_revoked",
    "submission_runs",
    "submissions_in",
    "transition_submission",
    "bump_revision",
    "changed_entries",
    "entry_hashes",
    "get_entry",
    "get_entry_draft",
    "get_revision",
    "index_documents",
    "latest_submission_job",
    "list_entries",
    "outcome_counts",
    "retire_entry",
    "upsert_entry",
]
