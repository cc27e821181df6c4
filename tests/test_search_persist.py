"""A process starts from the index file of a revision and takes in only what changed since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from errata import store
from errata.config import Settings
from errata.db import Database
from errata.search import SearchIndex, persist, search
from errata.search.build import build_state
from errata.sync import prepare_database

from .test_search import draft

GLORP = "GlorpQuotaError: the glorp quota ran out while draining"


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    database = prepare_database(settings)
    yield database
    database.dispose()


def _queries(database: Database) -> list[str]:
    with database.read() as session:
        docs = store.index_documents(session=session)
    return [doc.symptoms[0] for doc in docs[::3]] + [GLORP, "TypeError: 'NoneType' object"]


def _results(index: SearchIndex, database: Database, query: str) -> list[tuple[str, float]]:
    return [(r.id, r.score) for r in search(index, database, query).results]


def _index_file(data_dir: Path) -> Path:
    (found,) = (data_dir / persist.SUBDIR).glob("index-*.bin")
    return found


def test_a_second_start_maps_the_saved_file_instead_of_building_and_ranks_as_a_fresh_build(
    settings: Settings, database: Database
) -> None:
    first = SearchIndex.build(database, settings.data_dir)
    assert first.full_builds == 1 and _index_file(settings.data_dir).stat().st_size > 0
    second = SearchIndex.build(database, settings.data_dir)
    assert second.full_builds == 0 and second.loaded_from == _index_file(settings.data_dir)
    fresh = SearchIndex.build(database)
    for query in _queries(database):
        assert _results(second, database, query) == _results(fresh, database, query)


def test_a_start_from_an_older_file_takes_in_the_changes_since_as_a_delta(
    settings: Settings, database: Database
) -> None:
    SearchIndex.build(database, settings.data_dir)
    with database.write() as session:
        store.upsert_entry(session=session, draft=draft("glorp", [GLORP], []), from_files=False)
        store.bump_revision(session=session)
    index = SearchIndex.build(database, settings.data_dir)
    assert index.full_builds == 0 and index.describe()["delta_entries"] == 1
    assert search(index, database, GLORP).results[0].id == "glorp"
    fresh = SearchIndex.build(database)
    for query in _queries(database):
        assert _results(index, database, query) == _results(fresh, database, query)


@pytest.mark.parametrize("where", [100, -100])  # in the header, in the arrays
def test_a_corrupt_index_file_is_never_used_but_rebuilt_and_saved_again(
    settings: Settings, database: Database, where: int
) -> None:
    SearchIndex.build(database, settings.data_dir)
    path = _index_file(settings.data_dir)
    raw = bytearray(path.read_bytes())
    raw[where] ^= 0x5A
    path.write_bytes(bytes(raw))
    assert persist.read(path) is None
    index = SearchIndex.build(database, settings.data_dir)
    assert index.full_builds == 1 and index.loaded_from is None
    assert persist.read(_index_file(settings.data_dir)) is not None


def test_a_file_of_an_older_format_is_rebuilt_with_each_row_s_generic_flag(
    settings: Settings, database: Database
) -> None:
    SearchIndex.build(database, settings.data_dir)
    path = _index_file(settings.data_dir)
    now = f'"format": {persist.FORMAT},'.encode()
    path.write_bytes(path.read_bytes().replace(now, f'"format": {persist.FORMAT - 1},'.encode()))
    index = SearchIndex.build(database, settings.data_dir)
    assert index.full_builds == 1 and index.loaded_from is None
    loaded = SearchIndex.build(database, settings.data_dir).state.main
    generic = [text for text, flag in zip(loaded.texts, loaded.row_generic, strict=True) if flag]
    assert "sqlite3.OperationalError: database is locked" in generic
    assert len(generic) < len(loaded.texts) / 2


def test_a_file_built_with_other_generic_messages_is_rebuilt(
    settings: Settings, database: Database
) -> None:
    SearchIndex.build(database, settings.data_dir)
    path = _index_file(settings.data_dir)
    key = persist.build_key()
    assert "generic_messages=" in key  # each row's generic flag depends on that list
    older = key.rsplit("=", 1)[0] + "=00000000"
    path.write_bytes(path.read_bytes().replace(key.encode(), older.encode()))
    index = SearchIndex.build(database, settings.data_dir)
    assert index.full_builds == 1 and index.loaded_from is None


def test_a_file_from_a_later_revision_than_the_database_is_stale_and_rebuilt(
    settings: Settings, database: Database
) -> None:
    with database.read() as session:  # as if the database were restored from an older backup
        revision, _ = store.get_revisions(session=session)
        docs = store.index_documents(session=session)
    later = persist.save(build_state(docs, revision + 5), settings.data_dir)
    assert later is not None and persist.read(later) is not None
    index = SearchIndex.build(database, settings.data_dir)
    assert index.full_builds == 1 and not later.exists()


def test_an_index_that_cannot_be_saved_still_serves_from_memory(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the index folder would go", encoding="utf-8")
    index = SearchIndex.build(database, blocked)
    assert index.full_builds == 1 and index.loaded_from is None
    fresh = SearchIndex.build(database)
    for query in _queries(database)[:5]:
        assert _results(index, database, query) == _results(fresh, database, query)


def test_a_rebuild_maps_a_newer_file_another_process_saved_instead_of_building(
    settings: Settings, database: Database
) -> None:
    a = SearchIndex.build(database, settings.data_dir)
    b = SearchIndex.build(database, settings.data_dir)
    with database.write() as session:
        store.upsert_entry(session=session, draft=draft("glorp", [GLORP], []), from_files=False)
        store.bump_revision(session=session)
    a.rebuild(database)  # process A merges its delta and saves the new revision's file
    b.rebuild(database)
    assert (a.full_builds, b.full_builds) == (2, 0)
    assert b.loaded_from == _index_file(settings.data_dir) and b.describe()["delta_entries"] == 0
    assert search(b, database, GLORP).results[0].id == "glorp"
