"""Operator routes: `/metrics` (Prometheus text format) and `GET /api/gaps` (maintainers).

`/metrics` is answered according to `ERRATA_METRICS`: `local` (the default) to loopback
clients and to requests with the maintainer token, `public` to anyone, `off` to no one (404).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from .. import security
from ..observe import gaps, metrics
from ..public import GapPublic
from .deps import ServicesDep

router = APIRouter()
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _may_scrape(request: Request, services: ServicesDep) -> bool:
    mode = services.settings.metrics
    host = request.client.host if request.client is not None else ""
    if mode == "public":
        return True
    return mode == "local" and (host in LOOPBACK or security.is_maintainer(request, services))


@router.get("/metrics", include_in_schema=False)
async def metrics_page(request: Request, services: ServicesDep) -> Response:
    """Every metric in the Prometheus text format (see ERRATA_METRICS for who may read it)."""
    if services.settings.metrics == "off":
        raise HTTPException(404, "metrics are turned off (ERRATA_METRICS=off)")
    if not _may_scrape(request, services):
        raise HTTPException(
            403, "metrics are served to loopback clients or with the maintainer token"
        )
    body = await run_in_threadpool(metrics.exposition, services)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@router.get("/api/gaps", tags=["moderation"], responses={401: {"description": "No token"}})
def list_gaps(
    request: Request, services: ServicesDep, limit: int = Query(50, ge=1, le=500)
) -> list[GapPublic]:
    """The errors errata could not answer, most frequent first (maintainer token needed)."""
    security.require_maintainer(request, services, csrf_checked=True)  # a read changes nothing
    return gaps.top_gaps(services, limit=limit)
