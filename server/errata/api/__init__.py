"""REST: one router per concern, assembled here into the one router `create_app` includes."""

from __future__ import annotations

from fastapi import APIRouter

from . import entries, outcomes, registry, search, submissions, trials, verify

router = APIRouter()
api = APIRouter(prefix="/api")
for module in (entries, search, verify, outcomes, submissions, trials):
    api.include_router(module.router)
router.include_router(api)
router.include_router(registry.router)  # /.well-known and ClawHub's own /api/v1 paths

__all__ = ["router"]
