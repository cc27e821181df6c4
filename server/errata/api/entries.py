"""REST routes for entries and health: parse, call one domain function, return."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from .. import __version__, store
from ..public import EntryPage, EntryPublic
from .deps import ReadSession, ServicesDep

router = APIRouter()


@router.get("/health", tags=["health"])
def health(services: ServicesDep) -> JSONResponse:
    """Whether errata is up: version, database, index revision, verification, queue depth."""
    body: dict[str, Any] = {"status": "ok", "version": __version__, "database": "ok"}
    try:
        with services.database.read() as session:
            body["index_revision"] = store.get_revision(session=session)
            body["entries"] = store.list_entries(session=session, limit=1, offset=0).total
    except Exception as exc:  # any database failure is reported, not raised
        body.update(status="degraded", database=f"unavailable: {type(exc).__name__}")
    failure = services.database.last_write_error
    if failure is not None and body["database"] == "ok":  # reads work, writes do not
        body.update(status="degraded", database=f"writes failing: {failure}")
    index = services.index
    body["index"] = index.describe() if index is not None else {"revision": None, "entries": 0}
    harness = services.harness
    body["verification"] = (
        harness.describe() if harness is not None else {"available": False, "reason": "not started"}
    )
    return JSONResponse(body, status_code=200 if body["database"] == "ok" else 503)


@router.get("/entries", tags=["entries"])
def list_entries(
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EntryPage:
    """A page of entries, by id: `{"items": [...], "total": N}`."""
    return store.list_entries(session=session, limit=limit, offset=offset)


@router.get(
    "/entries/{entry_id}",
    tags=["entries"],
    responses={404: {"description": "No entry has this id"}},
)
def get_entry(entry_id: str, session: ReadSession) -> EntryPublic:
    """The whole entry: symptoms, root cause, fixes with code and verification records."""
    entry = store.get_entry(session=session, entry_id=entry_id)
    if entry is None:
        raise HTTPException(status_code=404, detail=f"no entry with id {entry_id!r}")
    return entry
