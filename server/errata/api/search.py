"""REST search: a raw trace, log excerpt or sentence in; ranked entries with fixes out."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import AfterValidator, BaseModel, Field

from .. import security
from ..answers import BriefAnswer, Detail, FullAnswer, shape
from ..search import EMPTY_QUERY, MAX_LIMIT, SearchInputError, SearchUnavailable
from ..search.admission import SearchRefused
from .deps import ServicesDep

router = APIRouter(tags=["search"])
RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "Empty or oversized query"},
    429: {"description": "Too many searches from this client; retry after Retry-After"},
    503: {"description": "Busy with other long queries, or the index is not ready (Retry-After)"},
}
# In the spec, so clients (and fuzzers) know a blank query is refused; the validator below
# refuses it with errata's own message.
NOT_BLANK: dict[str, Any] = {"minLength": 1, "pattern": r"\S"}


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(EMPTY_QUERY)
    if _LONE_SURROGATE.search(value):  # JSON may carry them; the answer could not be encoded
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


QueryText = Annotated[str, AfterValidator(_not_blank)]


class SearchRequest(BaseModel):
    """What to search for."""

    query: QueryText = Field(
        description="The error text: a traceback, log lines or a sentence.",
        json_schema_extra=NOT_BLANK,
    )
    limit: int = Field(default=5, ge=1, le=MAX_LIMIT, description="How many results at most.")
    language: str | None = Field(
        default=None, max_length=40, description="Only entries for this language (e.g. python)."
    )
    detail: Detail = Field(
        default="brief",
        description="brief: one recommended fix for a confident match; full: every fix.",
    )


Answer = BriefAnswer | FullAnswer


def _refused(exc: SearchRefused) -> HTTPException:
    """429 for a client over its rate, 503 for a server at its bound on heavy searches."""
    status = 503 if exc.busy else 429
    headers = {"Retry-After": exc.retry_after_header}
    return HTTPException(status_code=status, detail=str(exc), headers=headers)


def _run(
    request: Request,
    services: ServicesDep,
    query: str,
    limit: int,
    language: str | None,
    detail: Detail,
) -> Answer:
    client = security.client_key(request)
    try:
        found = services.search(query, limit=limit, language=language, client=client)
        return shape(found, query, detail)
    except SearchRefused as exc:
        raise _refused(exc) from exc
    except SearchUnavailable as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    except SearchInputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.post("/search", responses=RESPONSES)
def search_post(body: SearchRequest, request: Request, services: ServicesDep) -> Answer:
    """Match an error: `status` is `matched` only when the first result is confident."""
    return _run(request, services, body.query, body.limit, body.language, body.detail)


@router.get("/search", responses=RESPONSES)
def search_get(
    request: Request,
    services: ServicesDep,
    q: Annotated[QueryText, Query(description="The error text.", json_schema_extra=NOT_BLANK)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    language: Annotated[str | None, Query(max_length=40)] = None,
    detail: Detail = "brief",
) -> Answer:
    """Match an error given in the query string (`?q=...`); same answer as the POST."""
    return _run(request, services, q, limit, language, detail)
