"""The `errata` command: serve, load, show, export (and the commands later modules add)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import store
from .app import prepare_database
from .config import Settings, SettingsError, load_settings
from .db import Database
from .entries import EntryError, write_entry
from .migrations import migrate
from .sync import sync_entries

Command = Callable[[argparse.Namespace, Settings], int]


def _open(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.from_settings(settings)
    migrate(database)
    return database


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve REST, web and MCP over HTTP.  Example: errata serve --port 8000"""
    import uvicorn

    prepare_database(settings)  # fail here, loudly, on a bad entry file
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load entries/ into the database; a second run changes nothing.  Example: errata load"""
    report = sync_entries(_open(settings), settings.entries_dir)
    print(f"loaded {settings.entries_dir}: {report.summary()}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """Print one entry as JSON.  Example: errata show agent-holds-lock-too-long"""
    with _open(settings).read() as session:
        entry = store.get_entry(session=session, entry_id=args.id)
    if entry is None:
        print(f"errata: no entry with id {args.id!r}", file=sys.stderr)
        return 1
    print(entry.model_dump_json(indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write entries from the database back as files.  Example: errata export --out entries/"""
    out = Path(args.out) if args.out else settings.entries_dir
    database = _open(settings)
    with database.read() as session:
        ids = args.ids or sorted(store.entry_hashes(session=session))
        drafts = [store.get_entry_draft(session=session, entry_id=i) for i in ids]
    missing = [i for i, d in zip(ids, drafts, strict=True) if d is None]
    if missing:
        print(f"errata: no entry with id {', '.join(missing)}", file=sys.stderr)
        return 1
    for draft in drafts:
        assert draft is not None
        print(f"wrote {write_entry(draft, out)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="errata", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("load", help=cmd_load.__doc__).set_defaults(func=cmd_load)
    show = sub.add_parser("show", help=cmd_show.__doc__)
    show.add_argument("id")
    show.set_defaults(func=cmd_show)
    export = sub.add_parser("export", help=cmd_export.__doc__)
    export.add_argument("ids", nargs="*", metavar="ID")
    export.add_argument("--out", help="folder to write into (default: the entries folder)")
    export.set_defaults(func=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `errata` script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except (EntryError, SettingsError) as exc:
        print(f"errata: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
