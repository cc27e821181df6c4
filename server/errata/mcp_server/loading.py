"""Services that finish loading after the server starts answering (`errata mcp` over stdio)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from mcp.server.mcpserver.exceptions import ToolError

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger("errata")


class Loading:
    """Services built by `load` in a background thread once the server runs: a client's
    `initialize` and `tools/list` are answered at once, and each call waits for the load,
    at most `timeout` seconds (then a tool error says to try again)."""

    def __init__(self, load: Callable[[], Services], *, timeout: float = 60.0) -> None:
        self._load = load
        self._timeout = timeout
        self._done = threading.Event()
        self._services: Services | None = None
        self._failure = ""

    def run(self) -> None:
        """Load in the calling thread; a failure is logged, and every later call names it."""
        try:
            self._services = self._load()
        except Exception as exc:
            log.exception("errata could not load its entries")
            self._failure = str(exc) or type(exc).__name__
        finally:
            self._done.set()

    def get(self) -> Services:
        """The services once loaded (ToolError while still loading past the deadline, or when
        the load failed)."""
        if not self._done.wait(self._timeout):
            raise ToolError("errata is still loading its entries; try again in a moment")
        if self._services is None:
            raise ToolError(f"errata could not load its entries: {self._failure}")
        return self._services

    @property
    def loaded(self) -> Services | None:
        """The services if the load has finished and worked, else None."""
        return self._services
