"""How many characters (and tokens, chars/4) an agent pays per MCP call, over 12 fixed traces.

Runs the MCP server in memory over the repository's entries (a fresh SQLite copy): brief
`search_errors` for each trace, `tools/list`, and `get_entry` of the seed entry with its default
budget. Goals: a confident brief answer <= 6,000 characters of text, a no_match <= 1,200,
tools/list <= 8,000, the seed's get_entry whole (not truncated).

    python bench/answers.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import anyio
from mcp import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from errata.config import Settings  # noqa: E402
from errata.mcp_server import build_mcp  # noqa: E402
from errata.search import SearchIndex  # noqa: E402
from errata.services import Services  # noqa: E402
from errata.sync import prepare_database  # noqa: E402

SEED = "agent-holds-lock-too-long"
GOALS = {"matched": 6_000, "no_match": 1_200, "tools/list": 8_000}
TRACES = [
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
    "connection timed out, timeout 30.00",
    "psycopg2.pool.PoolError: connection pool exhausted",
    'Traceback (most recent call last):\n  File "app.py", line 9, in <module>\n'
    "    asyncio.run(main())\nRuntimeError: Event loop is closed",
    "RuntimeWarning: coroutine 'fetch' was never awaited",
    "RuntimeError: can't start new thread",
    "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n"
    "main.main()\n\t/home/dev/app/main.go:14 +0x3c",
    "Error: listen EADDRINUSE: address already in use :::3000\n"
    "    at Server.setupListenHandle [as _listen2] (node:net:1872:16)",
    "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
    "request timed out after 30000ms.",
    "OSError: [Errno 24] Too many open files",
    "asyncio.exceptions.CancelledError\nTask was destroyed but it is pending!",
    "ModuleNotFoundError: No module named 'numpy'",
    "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0",
]


def _text(result: object) -> str:
    return "".join(getattr(block, "text", "") for block in getattr(result, "content", []))


def _row(kind: str, chars: int, note: str) -> None:
    print(f"{kind:<26} {chars:>7,} chars {chars // 4:>6,} tokens  {note}")


async def measure(services: Services) -> list[tuple[str, int]]:
    """(kind, characters) per call; prints one line per call."""
    seen: list[tuple[str, int]] = []
    async with Client(build_mcp(services)) as client:
        tools = (await client.list_tools()).tools
        listing = json.dumps([t.model_dump(mode="json", exclude_none=True) for t in tools])
        _row("tools/list", len(listing), f"{len(tools)} tools")
        seen.append(("tools/list", len(listing)))
        for trace in TRACES:
            text = _text(await client.call_tool("search_errors", {"query": trace}))
            answer = json.loads(text)
            named = [c["entry"] for c in answer["differential"]] + [
                r["id"] for r in answer["results"]
            ]
            top = named[0] if named else "-"
            _row(f"search brief {answer['status']}", len(text), f"{top}  <- {trace[:40]!r}")
            seen.append((answer["status"], len(text)))
        entry = _text(await client.call_tool("get_entry", {"id": SEED}))
        cut = json.loads(entry)["truncated"]
        _row("get_entry seed", len(entry), "truncated" if cut else "whole")
        seen.append(("get_entry", len(entry) if not cut else -1))
    return seen


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), entries_dir=ROOT / "entries", verify_on_start=False)
        database = prepare_database(settings)
        services = Services(settings, database, index=SearchIndex.build(database))
        try:
            seen = anyio.run(measure, services)
        finally:
            database.dispose()
    worst = {
        kind: max(n for k, n in seen if k == kind)
        for kind in GOALS
        if any(k == kind for k, _ in seen)
    }
    failed = [kind for kind, n in worst.items() if n > GOALS[kind]]
    failed += ["get_entry"] if any(k == "get_entry" and n < 0 for k, n in seen) else []
    for kind, n in worst.items():
        print(f"worst {kind}: {n:,} chars (goal <= {GOALS[kind]:,})")
    print("goals met" if not failed else f"goals missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
