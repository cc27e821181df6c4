"""The app factory: wires settings, database, index, harness, MCP and routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from . import (
    __version__,
    api,
    api_outcomes,
    api_search,
    api_submissions,
    api_verify,
    http_errors,
    registry,
    security,
    web,
)
from .config import Settings
from .db import Database
from .harness.runner import Harness
from .mcp_tools import mount_mcp
from .migrations import migrate
from .search import SearchIndex
from .search.refresh import keep_fresh
from .services import Services
from .sync import is_behind, sync_entries

log = logging.getLogger("errata")
# What any operation may answer, whatever its own responses say (documented in the spec).
COMMON_RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "The request body could not be parsed"},
    413: {"description": "The request body is over the size limit"},
    503: {"description": "The database is unavailable; try again (see Retry-After)"},
}


def prepare_database(settings: Settings) -> Database:
    """Open the database, apply migrations, and load `entries/` if the database is behind."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.from_settings(settings)
    migrate(database)
    if settings.entries_dir.is_dir() and is_behind(database, settings.entries_dir):
        report = sync_entries(database, settings.entries_dir)
        log.info("loaded entries: %s", report.summary())
    return database


def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return JSONResponse(
        {"detail": "the database is unavailable; try again shortly"},
        status_code=503,
        headers={"Retry-After": "2"},
    )


def create_app(settings: Settings) -> FastAPI:
    """Build an errata app; nothing happens until its lifespan starts."""
    services = Services(settings=settings, database=None)  # type: ignore[arg-type]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            services.database = prepare_database(settings)
            stack.callback(services.database.dispose)
            services.index = await asyncio.to_thread(SearchIndex.build, services.database)
            poll = settings.index_poll_seconds
            await stack.enter_async_context(keep_fresh(services.index, services.database, poll))
            services.harness = Harness(settings, services.database)
            await services.harness.start()
            stack.push_async_callback(services.harness.stop)
            await stack.enter_async_context(mcp.session_manager.run())
            yield

    app = FastAPI(
        title="errata",
        version=__version__,
        summary="An error knowledge base for coding agents: paste a trace, get verified fixes.",
        lifespan=lifespan,
        responses=COMMON_RESPONSES,
    )
    app.state.services = services
    security.install(app, services)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    http_errors.install(app)
    app.include_router(api.router)
    app.include_router(api_search.router)
    app.include_router(api_verify.router)
    app.include_router(api_outcomes.router)
    app.include_router(registry.router)
    app.include_router(api_submissions.router)
    web.install(app)
    mcp = mount_mcp(app, services)
    return app


def app_from_env() -> FastAPI:
    """The app for `uvicorn --factory server.app:app_from_env` (settings from the environment)."""
    from .config import load_settings

    return create_app(load_settings())
