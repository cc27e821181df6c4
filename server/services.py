"""The long-lived parts of one running errata, built by `create_app` and shared by interfaces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .db import Database


@dataclass
class Services:
    """What REST, MCP and the web call into; one per app (and per process)."""

    settings: Settings
    database: Database
    index: Any = None  # server.search.SearchIndex, built in the lifespan
    harness: Any = None  # server.harness.Harness, started in the lifespan
    extras: dict[str, Any] = field(default_factory=dict)
