"""`errata keys create NAME|list|revoke ID`: API keys for writers, stored hashed."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when the command runs: `errata --help` stays fast
    from ..config import Settings
    from ..db import Database

MAX_NAME_CHARS = 80


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    """Issue, list or revoke writers' API keys.  Example: errata keys create ci-bot"""
    from ..db import Database
    from ..migrations import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.from_settings(settings)
    try:
        migrate(database)
        return int(args.keys_func(args, database))
    finally:
        database.dispose()


def _create(args: argparse.Namespace, database: Database) -> int:
    if not 1 <= len(args.name.strip()) <= MAX_NAME_CHARS:
        print(f"errata: a key's name is 1 to {MAX_NAME_CHARS} characters", file=sys.stderr)
        return 2
    from ..writer_keys import create_key

    row, key = create_key(database, args.name.strip())
    print(key)
    print(f"key {row.id} ({row.name}) issued: it is shown this once, only its hash is stored")
    return 0


def _list(args: argparse.Namespace, database: Database) -> int:
    from .. import store

    with database.read() as session:
        rows = store.list_keys(session=session)
    if not rows:
        print("no API keys")
    for row in rows:
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
        print(f"{row.id:>5}  {row.name:<30} created {row.created_at:%Y-%m-%d %H:%M}  {state}")
    return 0


def _revoke(args: argparse.Namespace, database: Database) -> int:
    from .. import store

    with database.write() as session:
        revoked = store.revoke_key(session=session, key_id=args.id)
    print(f"key {args.id} revoked" if revoked else f"errata: no active key with id {args.id}")
    return 0 if revoked else 1


def add_parser(sub: Any, about: dict[str, Any]) -> None:
    """Add `errata keys` and its three actions to the command parser."""
    parser = sub.add_parser("keys", **about)
    parser.set_defaults(func=cmd_keys)
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a key (printed once)")
    create.add_argument("name", help="who or what uses the key, e.g. ci-bot")
    create.set_defaults(keys_func=_create)
    actions.add_parser("list", help="every key: id, name, created, revoked").set_defaults(
        keys_func=_list
    )
    revoke = actions.add_parser("revoke", help="revoke a key at once (every process)")
    revoke.add_argument("id", type=int, help="the key's id, as `errata keys list` shows it")
    revoke.set_defaults(keys_func=_revoke)
