"""Normalize a trace, build the index, rank, calibrate, abstain."""

from .engine import (
    EMPTY_QUERY,
    MAX_LIMIT,
    SearchInputError,
    SearchUnavailable,
    format_response,
    search,
)
from .index import SearchIndex
from .normalize import Normalized, normalize
from .rank import CONFIDENT_THRESHOLD

__all__ = [
    "CONFIDENT_THRESHOLD",
    "EMPTY_QUERY",
    "MAX_LIMIT",
    "Normalized",
    "SearchIndex",
    "SearchInputError",
    "SearchUnavailable",
    "format_response",
    "normalize",
    "search",
]
