"""`errata verify [ID ...] [--all] [--stale] [--json]`: verify entries in this process.

Runs go through the same code as the server's workers (sandbox, then a short write per
record) and are written to the database. Exit status:

- 0: every snippet that ran passed, or failed where the entry carries a passing correction of
  it (a published snippet that falls short of its claim is an expected, recorded outcome);
- 1: a run errored or timed out, a correction failed, or a published snippet failed with no
  passing correction beside it;
- 2: bad usage (an unknown entry id, nothing selected);
- 3: the sandbox is unavailable here and runs were asked for (entries named, `--all`,
  `--record`) or a snippet has no current record: nothing ran.

Without a sandbox nothing runs and nothing is written: the shipped verification records (and
any earlier runs) stand, and the command says so. `--stale` then exits 0 when every snippet
has a current record: nothing is wrong, nothing is left to verify.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from .. import store
from ..db import Database
from ..harness.runner import Harness
from ..harness.verify import SnippetResult
from ..public import EntryPublic
from .terminal import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3
BAR_WIDTH = 24


class Progress:
    """A progress bar on a terminal; one plain line per finished snippet otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()

    def __call__(self, done: int, total: int, entry_id: str, result: SnippetResult) -> None:
        label = printable(
            f"{entry_id}/{result.slug} {result.status} {result.duration_ms:.0f} ms", newlines=False
        )
        if not self.tty:
            self.stream.write(f"verify {done}/{total} {label}\n")
        else:
            filled = BAR_WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if done == total else ""
            self.stream.write(f"\r\x1b[K[{bar}] {done}/{total} {label}{end}")
        self.stream.flush()


def _select(database: Database, ids: list[str], all_: bool, stale: bool) -> list[str] | str:
    """The entry ids to verify, or a usage error message."""
    with database.read() as session:
        if ids:
            unknown = [i for i in ids if not store.entry_exists(session=session, entry_id=i)]
            if unknown:
                return f"no entry with id {', '.join(unknown)}"
            return ids
        if all_:
            return store.active_entry_ids(session=session)
        if stale:
            return store.entries_needing_verification(session=session)
    return "name entries to verify, or use --all or --stale"


def _unexpected(result: SnippetResult, entry: EntryPublic | None) -> str | None:
    """Why this run should fail the command, or None when it is fine."""
    if result.status in ("error", "timeout"):
        return result.status
    if result.status != "failed":
        return None
    snippets = [s for fix in entry.fixes for s in fix.snippets] if entry is not None else []
    mine = next((s for s in snippets if s.id == result.slug), None)
    if mine is not None and mine.kind == "correction":
        return "a correction failed"
    corrected = any(
        s.corrects == result.slug and s.verification.status == "passed" and not s.verification.stale
        for s in snippets
    )
    return None if corrected else "failed with no passing correction"


def _verdicts(
    database: Database, results: dict[str, list[SnippetResult]]
) -> dict[str, dict[str, str]]:
    verdicts: dict[str, dict[str, str]] = {}
    with database.read() as session:
        for entry_id, snippet_results in results.items():
            entry = store.get_entry(session=session, entry_id=entry_id)
            for result in snippet_results:
                why = _unexpected(result, entry)
                if why is not None:
                    verdicts.setdefault(entry_id, {})[result.slug] = why
    return verdicts


def _figures(figures: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(figures.items(), key=lambda item: str(item[0])))


def _print_text(
    results: dict[str, list[SnippetResult]], verdicts: dict[str, dict[str, str]], out: TextIO
) -> None:
    for entry_id, snippet_results in results.items():
        out.write(f"{printable(entry_id, newlines=False)}\n")
        if not snippet_results:
            out.write("  (nothing to verify)\n")
        for o in snippet_results:
            note = verdicts.get(entry_id, {}).get(o.slug)
            line = f"  {o.slug:<32} {o.status:<10} {o.duration_ms:>8.0f} ms  {_figures(o.figures)}"
            out.write(printable(line.rstrip(), newlines=False) + "\n")
            if o.error:
                out.write(f"      {printable(o.error.splitlines()[0][:200], newlines=False)}\n")
            if note:
                out.write(f"      !! {printable(note, newlines=False)}\n")


def run_verify_command(
    database: Database,
    harness: Harness,
    ids: list[str],
    *,
    all_: bool,
    stale: bool,
    as_json: bool,
    recording: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Select entries, verify them with a progress bar, print the summary; the exit status."""
    out = out or sys.stdout  # looked up per call: a default bound at import goes stale
    err = err or sys.stderr
    selected = _select(database, ids, all_, stale)
    if isinstance(selected, str):
        err.write(f"errata: {selected}\n")
        return EXIT_USAGE
    sandbox = harness.ensure_sandbox()
    if sandbox is None or not sandbox.available:
        reason = sandbox.reason if sandbox is not None else "no sandbox"
        chosen = selected if ids or all_ else _active(database)
        asked_to_run = not stale or recording  # named entries or --all: what was asked is undone
        return _records_stand(database, chosen, reason, asked_to_run, as_json, out)
    results = harness.verify_entries(selected, only_stale=stale, progress=Progress(err))
    info = harness.describe()
    verdicts = _verdicts(database, results)
    ran = any(results.values())
    unavailable = ran and not info["available"]
    code = EXIT_UNAVAILABLE if unavailable else (EXIT_FAILED if verdicts else EXIT_OK)
    if as_json:
        body = {
            "verification": {k: info[k] for k in ("available", "reason", "sandbox_version")},
            "entries": {e: [o.public() for o in runs] for e, runs in results.items()},
            "unexpected": verdicts,
            "exit_code": code,
        }
        out.write(json.dumps(body, indent=2, default=str) + "\n")
    else:
        _print_text(results, verdicts, out)
        if unavailable:
            out.write(f"verification unavailable: {info['reason']} (nothing ran)\n")
    return code


def _active(database: Database) -> list[str]:
    with database.read() as session:
        return store.active_entry_ids(session=session)


def _without_record(database: Database, entry_ids: list[str]) -> tuple[int, dict[str, list[str]]]:
    """How many snippets the entries have, and per entry those with no current record."""
    total, missing = 0, {}
    with database.read() as session:
        for entry_id in entry_ids:
            total += len(store.snippets_to_verify(session=session, entry_id=entry_id))
            lacking = store.snippets_to_verify(
                session=session, entry_id=entry_id, only_stale=True, rerun_records=False
            )
            if lacking:
                missing[entry_id] = [s.slug for s in lacking]
    return total, missing


def _records_stand(
    database: Database,
    entry_ids: list[str],
    reason: str,
    asked_to_run: bool,
    as_json: bool,
    out: TextIO,
) -> int:
    """Without a sandbox: run nothing, write nothing, say which records stand; the exit code."""
    total, missing = _without_record(database, entry_ids)
    lacking = sum(len(slugs) for slugs in missing.values())
    code = EXIT_UNAVAILABLE if missing or asked_to_run else EXIT_OK
    if as_json:
        body = {
            "verification": {"available": False, "reason": reason},
            "records_stand": {"current": total - lacking, "total": total},
            "without_record": missing,
            "exit_code": code,
        }
        out.write(json.dumps(body, indent=2) + "\n")
        return code
    out.write(f"verification unavailable here: {printable(reason, newlines=False)}\n")
    out.write("nothing ran and nothing was recorded: the shipped verification records stand\n")
    out.write(f"{total - lacking} of {total} snippets have a current record\n")
    for entry_id, slugs in missing.items():
        out.write(f"  no current record: {entry_id}/{', '.join(slugs)}\n")
    if missing:
        out.write("those need a machine with the sandbox: errata verify --stale\n")
    if asked_to_run:
        out.write("the runs asked for (and --record, which writes records from them) need it too\n")
    return code
