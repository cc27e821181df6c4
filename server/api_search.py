"""REST search: a raw trace, log excerpt or sentence in; ranked entries with fixes out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from .deps import ServicesDep
from .models import SearchResponse
from .search import MAX_LIMIT, SearchInputError, search

router = APIRouter(prefix="/api", tags=["search"])


class SearchRequest(BaseModel):
    """What to search for."""

    query: str = Field(description="The error text: a traceback, log lines or a sentence.")
    limit: int = Field(default=5, ge=1, le=MAX_LIMIT, description="How many results at most.")
    language: str | None = Field(
        default=None, max_length=40, description="Only entries for this language (e.g. python)."
    )


def _run(services: ServicesDep, query: str, limit: int, language: str | None) -> SearchResponse:
    if services.index is None:
        raise HTTPException(status_code=503, detail="the search index is not ready yet")
    try:
        return search(
            services.index,
            services.database,
            query,
            limit=limit,
            language=language,
            max_chars=services.settings.max_query_chars,
        )
    except SearchInputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.post("/search", responses={422: {"description": "Empty or oversized query"}})
def search_post(body: SearchRequest, services: ServicesDep) -> SearchResponse:
    """Match an error: `status` is `matched` only when the first result is confident."""
    return _run(services, body.query, body.limit, body.language)


@router.get("/search", responses={422: {"description": "Empty or oversized query"}})
def search_get(
    services: ServicesDep,
    q: Annotated[str, Query(description="The error text.")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    language: Annotated[str | None, Query(max_length=40)] = None,
) -> SearchResponse:
    """Match an error given in the query string (`?q=...`); same answer as the POST."""
    return _run(services, q, limit, language)
