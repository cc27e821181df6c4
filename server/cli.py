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


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the MCP tools over stdio, as a local MCP client launches it.  Example: errata mcp"""
    from .mcp_tools import build_mcp
    from .search import SearchIndex
    from .services import Services

    database = prepare_database(settings)
    services = Services(settings=settings, database=database, index=SearchIndex.build(database))
    try:
        build_mcp(services, keep_index_fresh=True).run("stdio")
    finally:
        database.dispose()
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


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Run entries' snippets in the sandbox, record the results.  Example: errata verify --stale"""
    if getattr(args, "file", None):  # one file, no database: errata verify --file x.py --json
        from .harness.verify_file import verify_file

        return verify_file(args, settings)
    from .harness.cli_verify import run_verify_command
    from .harness.runner import Harness

    database = prepare_database(settings)
    try:
        harness = Harness(settings, database)
        return run_verify_command(
            database, harness, args.ids, all_=args.all, stale=args.stale, as_json=args.json
        )
    finally:
        database.dispose()


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """Match an error against the entries.  Example: errata search 'Event loop is closed'"""
    from .search import SearchIndex, SearchInputError, format_response, search

    query = sys.stdin.read() if args.text == "-" else args.text
    database = prepare_database(settings)
    try:
        index = SearchIndex.build(database)
        response = search(index, database, query, limit=args.limit, language=args.language)
    except SearchInputError as exc:
        print(f"errata: {exc}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(response.model_dump_json(indent=2) if args.json else format_response(response))
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
    sub.add_parser("mcp", help=cmd_mcp.__doc__).set_defaults(func=cmd_mcp)
    show = sub.add_parser("show", help=cmd_show.__doc__)
    show.add_argument("id")
    show.set_defaults(func=cmd_show)
    export = sub.add_parser("export", help=cmd_export.__doc__)
    export.add_argument("ids", nargs="*", metavar="ID")
    export.add_argument("--out", help="folder to write into (default: the entries folder)")
    export.set_defaults(func=cmd_export)
    verify = sub.add_parser("verify", help=cmd_verify.__doc__)
    verify.add_argument("ids", nargs="*", metavar="ID")
    verify.add_argument("--all", action="store_true", help="every entry")
    verify.add_argument("--stale", action="store_true", help="only snippets with no current record")
    verify.add_argument("--json", action="store_true", help="print the results as JSON")
    verify.add_argument("--file", help="run this one Python file in the sandbox instead")
    verify.add_argument("--check", help="with --file: the check to run against it")
    verify.set_defaults(func=cmd_verify)
    found = sub.add_parser("search", help=cmd_search.__doc__)
    found.add_argument("text", metavar="TEXT", help="the error text, or - to read it from stdin")
    found.add_argument("--json", action="store_true", help="print the answer as JSON")
    found.add_argument("--limit", type=int, default=5)
    found.add_argument("--language", help="only entries for this language")
    found.set_defaults(func=cmd_search)
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
