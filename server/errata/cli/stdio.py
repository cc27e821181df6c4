"""`errata mcp`: the MCP tools over stdio, as a local MCP client launches them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when the command runs: `errata --help` stays fast
    from ..config import Settings
    from ..services import Services


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the MCP tools over stdio, as a local MCP client launches it.  Example: errata mcp"""
    from ..mcp_server import build_mcp
    from ..mcp_server.loading import Loading

    # The database, the entries and the index load in a thread once the server runs: the
    # client's `initialize` and `tools/list` do not wait for them (nor for their imports).
    loading = Loading(lambda: _mcp_services(settings))
    try:
        build_mcp(loading, keep_index_fresh=True).run("stdio")
    finally:
        if loading.loaded is not None:
            loading.loaded.database.dispose()
    return 0


def _mcp_services(settings: Settings) -> Services:
    """The services of `errata mcp`: the database prepared, the entries loaded, the index built."""
    from ..search import SearchIndex
    from ..services import Services
    from ..sync import prepare_database

    database = prepare_database(settings)
    try:
        min_clients = settings.outcome_min_clients
        index = SearchIndex.build(database, settings.data_dir, outcome_min_clients=min_clients)
    except Exception:
        database.dispose()
        raise
    return Services.with_admission(settings, database, index=index)
