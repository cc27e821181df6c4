"""`await` only inside `async def`; a script's top level runs its coroutine with asyncio.run.

WRONG:  config = await load_config()            # at the top of a script
  SyntaxError: 'await' outside function
WRONG:  def start(): return await load_config()   # a plain def (or a lambda, or a sync callback)
  SyntaxError: 'await' outside async function
RIGHT:  async def main(): config = await load_config() ...   then   run_main(main)
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable


def run_main(main: Callable[[], Awaitable[object]]) -> int:
    """Run an async entry point once; returns the exit status (1 after printing a failure)."""

    async def guarded() -> int:
        try:
            await main()
        except Exception as error:  # the entry point's own failure, reported once
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            return 1
        return 0

    return asyncio.run(guarded())
