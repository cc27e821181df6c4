"""Run asyncio on an event loop that does not wait with select(): IOCP on Windows, epoll/kqueue elsewhere."""

import asyncio
import selectors
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# WRONG: a SelectorEventLoop over select() - Windows before Python 3.8, or code that forces it:
#     asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())
#     loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
# Each socket the loop watches goes into select(); past 512 sockets on Windows, or once a
# descriptor number reaches 1024 on Linux/macOS, every loop iteration fails in _run_once:
#     ValueError: too many file descriptors in select()
#     ValueError: filedescriptor out of range in select()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A loop with no select() limit: ProactorEventLoop (IOCP) on Windows, epoll/kqueue elsewhere."""
    if sys.platform == "win32":
        return asyncio.ProactorEventLoop()  # the default since Python 3.8
    return asyncio.SelectorEventLoop(selectors.DefaultSelector())


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(main) on that loop, whatever event loop policy a library has set."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)


def use_proactor_on_windows() -> None:
    """Before Python 3.8, or after a library set the selector policy: make Proactor the default.

    Call it first thing, before any loop exists. (Tornado and Jupyter on Windows keep a select()
    thread whatever the loop: there, cap the live connections under 500 or serve from Linux.)"""
    if sys.platform == "win32":
        asyncio.set_event_loop_policy(asyncio.WindowsProactorEventLoopPolicy())  # type: ignore[attr-defined]
