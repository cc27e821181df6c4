"""Verification records shipped beside each entry: current, imported on load, never stale-passed."""

from __future__ import annotations

import json

from errata import store
from errata.config import Settings
from errata.entry_files import parse_entries
from errata.records import RECORD_FILE, read_record, sha256
from errata.search import SearchIndex
from errata.services import Services
from errata.sync import prepare_database, sync_entries

from .conftest import REPO_ENTRIES

SEED = "agent-holds-lock-too-long"
QUEUEPOOL = (
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, "
    "connection timed out, timeout 30.00"
)


def test_every_shipped_snippet_has_a_current_passing_record() -> None:
    for draft in parse_entries(REPO_ENTRIES):
        records = read_record(REPO_ENTRIES / draft.id)
        for fix in draft.fixes:
            for snippet in fix.snippets:
                record = records.get(snippet.id)
                where = f"{draft.id}/{snippet.id}"
                assert record, f"{where} has no record: errata verify {draft.id} --record"
                assert record["code_hash"] == sha256(snippet.code), f"{where}: stale record"
                assert record["check_hash"] == sha256(snippet.check_code), f"{where}: stale check"
                assert record["status"] in ("passed", "failed", "ran_without_error"), where
                assert record["sandbox_version"], where
                assert record["python_version"] or snippet.language != "python", where


def _seed_fix_labels(settings: Settings) -> list[str]:
    database = prepare_database(settings)
    services = Services(settings, database, index=SearchIndex.build(database))
    response = services.search(QUEUEPOOL, limit=3)
    database.dispose()
    seed = next(r for r in response.results if r.id == SEED)
    return [f.verification.label for f in seed.fixes]


def test_a_load_without_a_sandbox_shows_fixes_verified_by_the_records(settings: Settings) -> None:
    labels = _seed_fix_labels(settings)
    record = read_record(settings.entries_dir / SEED)["option-1"]
    date, python = record["verified_at"][:10], record["python_version"]
    assert f"verified by errata's harness on {date} (Python {python})" in labels


def test_a_record_whose_code_changed_is_stale_and_not_shown_as_passed(
    settings: Settings,
) -> None:
    snippet = settings.entries_dir / SEED / "option-1.py"
    snippet.write_text(snippet.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    database = prepare_database(settings)
    with database.read() as session:
        entry = store.get_entry(session=session, entry_id=SEED)
    database.dispose()
    assert entry is not None
    shown = {s.id: s.verification for f in entry.fixes for s in f.snippets}
    assert shown["option-1"].status == "unverified"
    assert shown["option-2"].status == "passed" and shown["option-2"].source == "record"


def test_loading_twice_imports_each_record_once_and_a_sandbox_would_rerun_them(
    settings: Settings,
) -> None:
    database = prepare_database(settings)
    again = sync_entries(database, settings.entries_dir)
    with database.read() as session:
        runs = store.latest_runs(session=session, entry_ids=[SEED])
        rerun = store.snippets_to_verify(session=session, entry_id=SEED, only_stale=True)
    database.dispose()
    assert again.records == 0
    assert {run.source for run in runs.values()} == {"record"}
    assert {s.slug for s in rerun} == {slug for _, slug in runs}


def test_a_record_file_names_each_field_an_auditor_needs() -> None:
    body = json.loads((REPO_ENTRIES / SEED / RECORD_FILE).read_text(encoding="utf-8"))
    fields = set(body["snippets"]["option-1"])
    assert body["entry"] == SEED
    assert {"code_hash", "check_hash", "status", "figures", "verified_at"} <= fields
    assert {"python_version", "sandbox_version"} <= fields
