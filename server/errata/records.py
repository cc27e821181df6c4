"""Verification records shipped beside each entry: `entries/<id>/verification.json`.

`errata verify --all --record` writes, per snippet, what errata's sandboxed harness showed
(status, figures, sandbox and Python versions, date) with the hashes of the code and check it
ran. `errata load` (and every start that loads entries) imports the records whose hashes still
match the code as runs marked `source = "record"`, so a process without a sandbox (stdio MCP, a
Mac, a container) still shows what the harness proved. A record whose hash no longer matches is
stale: it is not imported and its snippet shows `unverified` until it is verified again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from . import store
from .db import Database
from .models import Snippet, VerificationRun, as_utc

RECORD_FILE = "verification.json"
RECORD_SOURCE = "record"
KEPT = ("status", "figures", "duration_ms", "exit_code", "python_version", "sandbox_version")


def sha256(text: str | None) -> str:
    """The hash a record keeps of a snippet's code or check ("" for no check)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _snippet_record(snippet: Snippet, run: VerificationRun) -> dict[str, Any]:
    fields = {name: getattr(run, name) for name in KEPT}
    return {
        "code_hash": sha256(snippet.code),
        "check_hash": sha256(snippet.check_code),
        **fields,
        "verified_at": as_utc(run.created_at).isoformat(timespec="seconds"),
    }


def entry_record(session: Session, entry_id: str) -> dict[str, Any]:
    """An entry's record from its snippets' newest current, sandboxed runs."""
    runs = store.latest_runs(session=session, entry_ids=[entry_id])
    kept: dict[str, Any] = {}
    for snippet in store.all_snippets(session=session, entry_id=entry_id):
        run = runs.get((entry_id, snippet.slug))
        if run is not None and run.code_hash == snippet.code_hash and run.status != "unverified":
            kept[snippet.slug] = _snippet_record(snippet, run)
    return {"entry": entry_id, "snippets": kept}


def write_records(database: Database, entries_dir: Path, entry_ids: list[str]) -> list[Path]:
    """Write `verification.json` beside each entry from the database's runs."""
    written: list[Path] = []
    with database.read() as session:
        for entry_id in entry_ids:
            path = entries_dir / entry_id / RECORD_FILE
            body = json.dumps(entry_record(session, entry_id), indent=2, sort_keys=True)
            path.write_text(body + "\n", encoding="utf-8")
            written.append(path)
    return written


def read_record(folder: Path) -> dict[str, Any]:
    """The snippets' records of one entry folder ({} when it has none)."""
    path = folder / RECORD_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    snippets = data.get("snippets", {})
    return snippets if isinstance(snippets, dict) else {}


def is_current(snippet: Snippet, record: dict[str, Any]) -> bool:
    """True when the record was made from exactly this snippet's code and check."""
    return record.get("code_hash") == sha256(snippet.code) and record.get("check_hash") == sha256(
        snippet.check_code
    )


def _as_run(snippet: Snippet, record: dict[str, Any]) -> VerificationRun:
    fields = {name: record[name] for name in KEPT if name in record}
    return VerificationRun(
        entry_id=snippet.entry_id,
        snippet_slug=snippet.slug,
        code_hash=snippet.code_hash,
        source=RECORD_SOURCE,
        created_at=datetime.fromisoformat(record["verified_at"]),
        **fields,
    )


def import_records(database: Database, entries_dir: Path) -> int:
    """Import every current record with no run for its code yet; how many were imported."""
    imported = 0
    with database.write() as session:
        snippets = store.all_snippets(session=session)
        records = {e: read_record(entries_dir / e) for e in {s.entry_id for s in snippets}}
        for snippet in snippets:
            record = records[snippet.entry_id].get(snippet.slug)
            fresh = not store.has_run_for_code(session=session, snippet=snippet)
            if record and is_current(snippet, record) and fresh:
                session.add(_as_run(snippet, record))
                imported += 1
    return imported
