"""Normalize a trace, build the index, rank, calibrate, abstain."""

from .engine import MAX_LIMIT, SearchInputError, format_response, search
from .index import SearchIndex
from .normalize import Normalized, normalize
from .rank import CONFIDENT_THRESHOLD

__all__ = [
    "CONFIDENT_THRESHOLD",
    "MAX_LIMIT",
    "Normalized",
    "SearchIndex",
    "SearchInputError",
    "format_response",
    "normalize",
    "search",
]
