"""Loading entries/ into the database: idempotent, lossless, all-or-nothing, on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from errata import store
from errata.db import Database
from errata.entry_files import EntryError, parse_entries, write_entry
from errata.migrations import migrate
from errata.models import Entry, Snippet, Symptom
from errata.sync import sync_entries
from sqlmodel import select

from .entry_factory import write_entry_folder


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'errata.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    db = Database(url)
    migrate(db)
    return db


def _snapshot(database: Database) -> dict[str, object]:
    with database.read() as session:
        entries = {e.id: (e.content_hash, e.status) for e in session.exec(select(Entry))}
        symptoms = sorted((s.entry_id, s.position, s.text) for s in session.exec(select(Symptom)))
        snippets = sorted((s.entry_id, s.slug, s.code_hash) for s in session.exec(select(Snippet)))
        revision = store.get_revision(session=session)
    return {"entries": entries, "symptoms": symptoms, "snippets": snippets, "revision": revision}


def test_loading_twice_changes_nothing(database: Database, entries_dir: Path) -> None:
    first = sync_entries(database, entries_dir)
    before = _snapshot(database)
    second = sync_entries(database, entries_dir)
    assert first.added and not first.updated
    assert not second.changed
    assert second.unchanged == sorted(first.added)
    assert _snapshot(database) == before


def test_a_changed_file_updates_its_entry(database: Database, entries_dir: Path) -> None:
    write_entry_folder(entries_dir)
    sync_entries(database, entries_dir)
    toml = entries_dir / "widget-pool-runs-dry" / "entry.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("stays there", "never shrinks"), encoding="utf-8"
    )
    report = sync_entries(database, entries_dir)
    assert report.updated == ["widget-pool-runs-dry"]
    with database.read() as session:
        entry = store.get_entry(session=session, entry_id="widget-pool-runs-dry")
    assert entry is not None
    assert "widget pool size grows to its limit and never shrinks" in entry.symptoms


def test_a_removed_folder_retires_its_entry(database: Database, entries_dir: Path) -> None:
    write_entry_folder(entries_dir)
    sync_entries(database, entries_dir)
    shutil.rmtree(entries_dir / "widget-pool-runs-dry")
    report = sync_entries(database, entries_dir)
    assert report.retired == ["widget-pool-runs-dry"]
    with database.read() as session:
        assert store.get_entry(session=session, entry_id="widget-pool-runs-dry") is None
        assert "widget-pool-runs-dry" not in store.entry_hashes(session=session)


def test_each_change_advances_the_index_revision(database: Database, entries_dir: Path) -> None:
    with database.read() as session:
        start = store.get_revision(session=session)
    sync_entries(database, entries_dir)
    sync_entries(database, entries_dir)
    with database.read() as session:
        assert store.get_revision(session=session) == start + 1


def test_load_export_load_round_trip_is_lossless(
    database: Database, entries_dir: Path, tmp_path: Path
) -> None:
    write_entry_folder(entries_dir)
    sync_entries(database, entries_dir)
    exported = tmp_path / "exported"
    with database.read() as session:
        for entry_id in store.entry_hashes(session=session):
            draft = store.get_entry_draft(session=session, entry_id=entry_id)
            assert draft is not None
            write_entry(draft, exported)
    assert parse_entries(exported) == parse_entries(entries_dir)
    for original in entries_dir.rglob("*.py"):
        copy = exported / original.relative_to(entries_dir)
        assert copy.read_bytes() == original.read_bytes(), original
    before = _snapshot(database)
    assert not sync_entries(database, exported).changed
    assert _snapshot(database) == before


def test_a_bad_file_leaves_the_database_unchanged(database: Database, entries_dir: Path) -> None:
    sync_entries(database, entries_dir)
    before = _snapshot(database)
    write_entry_folder(entries_dir, "aaa-good-new-entry")
    bad = write_entry_folder(entries_dir, "zzz-broken-entry")
    (bad / "entry.toml").write_text("title = [unclosed\n", encoding="utf-8")
    with pytest.raises(EntryError) as caught:
        sync_entries(database, entries_dir)
    assert "zzz-broken-entry" in str(caught.value)
    assert _snapshot(database) == before


@pytest.mark.parametrize(
    "breakage",
    ["missing field", "unknown field", "broken toml", "missing snippet"],
)
def test_every_kind_of_bad_file_is_refused_whole(
    database: Database, entries_dir: Path, breakage: str
) -> None:
    sync_entries(database, entries_dir)
    before = _snapshot(database)
    folder = write_entry_folder(entries_dir)
    toml = folder / "entry.toml"
    text = toml.read_text(encoding="utf-8")
    if breakage == "missing field":
        toml.write_text(text.replace('root_cause = """', 'ignored = """'), encoding="utf-8")
    elif breakage == "unknown field":
        toml.write_text(text + '\nweird = "x"\n', encoding="utf-8")
    elif breakage == "broken toml":
        toml.write_text(text.replace("[[fixes]]", "[[fixes]"), encoding="utf-8")
    else:
        (folder / "return_widgets.py").unlink()
    with pytest.raises(EntryError):
        sync_entries(database, entries_dir)
    assert _snapshot(database) == before
