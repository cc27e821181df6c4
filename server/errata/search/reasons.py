"""Why a candidate matched, in words: the same message or template, the exception type, and
the most telling shared terms in the query's own words. Built only for the results shown."""

from __future__ import annotations

from .mask import WHY_FILLER
from .prepared import Prepared
from .snapshot import Snapshot as _State

SHOWN_TERMS = 6  # telling terms a why line names at most


def template_flags(query: Prepared, row: int) -> tuple[bool, bool]:
    """The query has the row's exact message template; or that template around other types."""
    template = row in query.word_rows
    return template, not template and row in query.masked_rows


def shown_terms(state: _State, query: Prepared, shared: frozenset[int] | set[int]) -> list[str]:
    """The most telling shared terms in the query's own words; filler words ("one", "error",
    "other") only when nothing better is shared."""
    by_weight = query.ids_by_weight(state.weights, state.tokens_by_id)
    telling: dict[str, None] = {}
    filler: dict[str, None] = {}
    surfaces, tokens_by_id = query.surfaces, state.tokens_by_id
    for token in (tokens_by_id[i] for i in by_weight if i in shared):
        word = surfaces.get(token, token)
        weak = token in WHY_FILLER or word in WHY_FILLER
        (filler if weak else telling).setdefault(word)
        if len(telling) == SHOWN_TERMS:  # the rest would not be shown
            break
    return list(telling)[:SHOWN_TERMS] if telling else list(filler)[:3]


def explain(state: _State, query: Prepared, row: int, ids: list[int]) -> str:
    """Why a row (its distinct token ids) matched the query."""
    reasons = []
    template, mismatch = template_flags(query, row)
    if template:  # the same message, quoted type names included
        reasons.append("same message")
    elif mismatch:  # the same template around different type names
        reasons.append("same template, different type")
    row_ids = set(ids)
    if not query.type_ids_of(state.vocab).isdisjoint(row_ids):  # else no type name is shared
        common_types = query.types & {state.tokens_by_id[i] for i in ids}
        name = max(common_types, key=len)
        reasons.append("exception type " + query.type_names.get(name, name))
    shared = query.ids & row_ids
    reasons.append("shared terms: " + ", ".join(shown_terms(state, query, shared)))
    return "; ".join(reasons)
