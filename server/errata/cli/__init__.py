"""errata: an error knowledge base. Paste a trace, get the matching entries and verified fixes."""

from __future__ import annotations

# Imports are lazy in this module: `errata --help` and `errata mcp` are started by people and
# MCP clients that wait for them, and importing the whole stack (SQLModel, the search index,
# FastAPI, the MCP SDK) costs over a second. Each command imports what it needs when it runs.
import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from . import gaps, keys, stdio

if TYPE_CHECKING:
    from ..config import Settings
    from ..db import Database
    from ..models import EntryDraft

Command = Callable[[argparse.Namespace, "Settings"], int]


def _open(settings: Settings) -> Database:
    from ..db import Database
    from ..migrations import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.from_settings(settings)
    migrate(database)
    return database


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve REST, web and MCP over HTTP.  Example: errata serve --port 8000"""
    import uvicorn

    from ..sync import prepare_database

    prepare_database(settings)  # fail here, loudly, on a bad entry file
    uvicorn.run(
        "errata.app:app_from_env",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
        # X-Forwarded-For is believed only from the configured proxies (none by default):
        # uvicorn's own default trusts 127.0.0.1, which lets any local client pick its address.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or "",
    )
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load entries/ into the database; a second run changes nothing.  Example: errata load"""
    from ..sync import sync_entries

    report = sync_entries(_open(settings), settings.entries_dir)
    print(f"loaded {settings.entries_dir}: {report.summary()}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """Print one entry as JSON.  Example: errata show agent-holds-lock-too-long"""
    from .. import store

    with _open(settings).read() as session:
        entry = store.get_entry(session=session, entry_id=args.id)
    if entry is None:
        print(f"errata: no entry with id {args.id!r}", file=sys.stderr)
        return 1
    print(entry.model_dump_json(indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write entries from the database back as files.  Example: errata export --out entries/"""
    from .. import store
    from ..entry_files import write_entry

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
        if _already_written(draft, out):
            print(f"unchanged {out / draft.id}")
        else:
            print(f"wrote {write_entry(draft, out)}")
    return 0


def _already_written(draft: EntryDraft, out: Path) -> bool:
    """True when `out/<id>/` already holds exactly this entry (keeps git diffs to real changes)."""
    from ..entry_files import EntryError, parse_entry

    try:
        return parse_entry(out / draft.id) == draft
    except EntryError:
        return False


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Run entries' snippets in the sandbox, record the results.  Example: errata verify --stale"""
    if args.check and not args.file:
        print(
            "errata: --check goes with --file: errata verify --file x.py --check c.py",
            file=sys.stderr,
        )
        return 2
    if args.file:  # one file, no database: errata verify --file x.py --json
        from .verify_file import verify_file

        return verify_file(args, settings)
    from ..services import make_harness
    from ..sync import prepare_database
    from .verify_entries import run_verify_command

    database = prepare_database(settings)
    try:
        harness = make_harness(settings, database)
        code = run_verify_command(
            database,
            harness,
            args.ids,
            all_=args.all,
            stale=args.stale,
            as_json=args.json,
            recording=args.record,
        )
        if args.record and code in (0, 1):
            _write_records(database, settings, args.ids)
        return code
    finally:
        database.dispose()


def _write_records(database: Database, settings: Settings, ids: list[str]) -> None:
    from .. import store
    from ..records import write_records

    with database.read() as session:
        chosen = ids or store.active_entry_ids(session=session)
    paths = write_records(database, settings.entries_dir, chosen)
    print(f"wrote {len(paths)} verification records under {settings.entries_dir}", file=sys.stderr)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """Match an error against the entries.  Example: errata search 'Event loop is closed'"""
    from ..answers import as_text, shape
    from ..search import SearchIndex, SearchInputError
    from ..services import Services
    from ..sync import prepare_database

    query = sys.stdin.read() if args.text == "-" else args.text
    database = prepare_database(settings)
    try:
        min_clients = settings.outcome_min_clients
        index = SearchIndex.build(database, settings.data_dir, outcome_min_clients=min_clients)
        services = Services(settings, database, index=index)
        response = services.search(query, limit=args.limit, language=args.language)
    except SearchInputError as exc:
        print(f"errata: {exc}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    answer = shape(response, query, args.detail)
    print(answer.model_dump_json(indent=2) if args.json else as_text(answer, "markdown"))
    return 0


EPILOG = """examples:
  errata search - < trace.txt                 match a trace read from stdin
  errata show agent-holds-lock-too-long       one entry as JSON
  errata serve --port 8765                    REST, web pages and MCP on one port
  errata COMMAND --help                       a command's options

settings come from the environment (ERRATA_DATA_DIR, ERRATA_ENTRIES_DIR, DATABASE_URL,
ERRATA_PORT...): see the README's Configuration table."""


def _about(func: Command) -> dict[str, Any]:
    """A command's one-line help and its --help description, example on its own line."""
    doc = func.__doc__ or ""
    return {
        "help": doc,
        "description": doc.replace("  Example: ", "\n\nexample:\n  "),
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="errata",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"errata {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", **_about(cmd_serve))
    serve.add_argument("--host", help="address to listen on (default: ERRATA_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: ERRATA_PORT, 8000)")
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("load", **_about(cmd_load)).set_defaults(func=cmd_load)
    sub.add_parser("mcp", **_about(stdio.cmd_mcp)).set_defaults(func=stdio.cmd_mcp)
    show = sub.add_parser("show", **_about(cmd_show))
    show.add_argument("id", help="the entry id, as search results give it")
    show.set_defaults(func=cmd_show)
    export = sub.add_parser("export", **_about(cmd_export))
    export.add_argument("ids", nargs="*", metavar="ID", help="entries to write (default: all)")
    export.add_argument("--out", help="folder to write into (default: the entries folder)")
    export.set_defaults(func=cmd_export)
    verify = sub.add_parser("verify", **_about(cmd_verify))
    verify.add_argument("ids", nargs="*", metavar="ID", help="entries whose snippets to run")
    verify.add_argument("--all", action="store_true", help="every entry")
    verify.add_argument("--stale", action="store_true", help="only snippets with no current record")
    verify.add_argument("--json", action="store_true", help="print the results as JSON")
    verify.add_argument("--file", help="run this one file (.py .js .mjs .ts .mts) in the sandbox")
    verify.add_argument("--check", help="with --file: the check to run against it")
    verify.add_argument(
        "--record",
        action="store_true",
        help="write each entry's verification.json from the runs (the shipped records)",
    )
    verify.set_defaults(func=cmd_verify)
    found = sub.add_parser("search", **_about(cmd_search))
    found.add_argument("text", metavar="TEXT", help="the error text, or - to read it from stdin")
    found.add_argument("--json", action="store_true", help="print the answer as JSON")
    found.add_argument("--limit", type=int, default=5, help="how many results (default: 5)")
    found.add_argument("--language", help="only entries for this language")
    found.add_argument(
        "--detail",
        choices=("brief", "full"),
        default="brief",
        help="brief: one recommended fix (default); full: every fix of every result",
    )
    found.set_defaults(func=cmd_search)
    gaps.add_parser(sub, _about(gaps.cmd_gaps))
    keys.add_parser(sub, _about(keys.cmd_keys))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `errata` script."""
    from ..config import SettingsError, load_settings

    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except BrokenPipeError:  # `errata search ... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except SettingsError as exc:
        print(f"errata: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if not _is_entry_error(exc):
            raise
        print(f"errata: {exc}", file=sys.stderr)
        return 2


def _is_entry_error(exc: Exception) -> bool:
    """A bad entry file (imported here, not at start: the module is loaded if it raised)."""
    from ..entry_files import EntryError

    return isinstance(exc, EntryError)
