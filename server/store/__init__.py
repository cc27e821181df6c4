"""Every database query, as keyword-only functions; nothing outside this package uses select().

One module per entity family, re-exported here so callers write `store.get_entry(...)`.
"""

from .entries import (
    bump_revision,
    entry_hashes,
    get_entry,
    get_entry_draft,
    get_revision,
    index_documents,
    list_entries,
    retire_entry,
    upsert_entry,
)
from .outcomes import add_outcome, outcome_counts

__all__ = [
    "add_outcome",
    "bump_revision",
    "entry_hashes",
    "get_entry",
    "get_entry_draft",
    "get_revision",
    "index_documents",
    "list_entries",
    "outcome_counts",
    "retire_entry",
    "upsert_entry",
]
