"""`errata gaps`: the errors errata could not answer, most frequent first (masked)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when the command runs: `errata --help` stays fast
    from ..config import Settings


def cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    """List unanswered errors with a link that starts an entry.  Example: errata gaps --limit 20"""
    from ..db import Database
    from ..migrations import migrate
    from ..observe import gaps
    from ..services import Services

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.from_settings(settings)
    try:
        migrate(database)
        rows = gaps.top_gaps(Services(settings, database), limit=args.limit)
    finally:
        database.dispose()
    base = settings.public_url.rstrip("/")
    if args.json:
        print(json.dumps([row.model_dump(mode="json") for row in rows], indent=2))
        return 0
    if not rows:
        print(
            "no gaps recorded" + ("" if settings.collect_gaps else " (ERRATA_COLLECT_GAPS=false)")
        )
    for row in rows:
        seen = row.last_seen.strftime("%Y-%m-%d %H:%M")
        print(f"{row.count:>6}  {row.source:<12} {row.language or '?':<8} last {seen}")
        print(f"        {row.example[:200]}")
        print(f"        start an entry: {base}{row.start_entry}")
    return 0


def add_parser(sub: Any, about: dict[str, Any]) -> None:
    """Add `errata gaps` to the command parser."""
    parser = sub.add_parser("gaps", **about)
    parser.add_argument("--limit", type=int, default=30, help="how many rows (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.set_defaults(func=cmd_gaps)
