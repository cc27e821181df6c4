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

from . import __version__, api, security, web
from .api import errors, observe
from .api.telemetry import RequestLogMiddleware
from .config import Settings
from .db import Database
from .mcp_server import mount_mcp
from .search import SearchIndex
from .search.refresh import keep_fresh
from .services import Services, make_harness
from .sync import prepare_database

log = logging.getLogger("errata")
# What any operation may answer, whatever its own responses say (documented in the spec).
COMMON_RESPONSES: dict[int | str, dict[str, str]] = {
    400: {"description": "The request body could not be parsed"},
    413: {"description": "The request body is over the size limit"},
    503: {"description": "The database is unavailable; try again (see Retry-After)"},
}


def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return JSONResponse(
        {"detail": "the database is unavailable; try again shortly"},
        status_code=503,
        headers={"Retry-After": "2"},
    )


def create_app(settings: Settings) -> FastAPI:
    """Build an errata app; nothing happens until its lifespan starts."""
    services = Services.with_admission(settings, Database.from_settings(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            stack.callback(services.database.dispose)
            await asyncio.to_thread(prepare_database, settings, services.database)
            services.index = await asyncio.to_thread(
                SearchIndex.build,
                services.database,
                settings.data_dir,
                outcome_min_clients=settings.outcome_min_clients,
            )
            poll = settings.index_poll_seconds
            await stack.enter_async_context(keep_fresh(services.index, services.database, poll))
            services.harness = make_harness(settings, services.database)
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
    app.add_middleware(RequestLogMiddleware)  # outermost: ids and timings cover everything
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    errors.install(app)
    app.include_router(api.router)
    app.include_router(observe.router)
    web.install(app)
    mcp = mount_mcp(app, services)
    return app


def app_from_env() -> FastAPI:
    """The app for `uvicorn --factory errata.app:app_from_env` (settings from the environment)."""
    from .config import load_settings

    return create_app(load_settings())
