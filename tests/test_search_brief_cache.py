"""A repeated search reads its results' briefs from the cache, and a new verification run or
a changed entry shows at once: the cache holds only for the stamp it was filled under."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator

import pytest
from errata import store
from errata.config import Settings
from errata.db import Database, PooledRead
from errata.models import Entry, VerificationRun
from errata.search import SearchIndex, search
from errata.store import briefs as briefs_module
from errata.store.cursor import compile_read
from errata.sync import prepare_database
from sqlalchemy import select

from .test_search import POOL_TRACE, SEED


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    database = prepare_database(settings)
    yield database
    database.dispose()


@pytest.fixture
def pg_database(pg_settings: Settings) -> Iterator[Database]:
    database = prepare_database(pg_settings)
    yield database
    database.dispose()


def _statuses(index: SearchIndex, database: Database) -> dict[str, str]:
    result = next(r for r in search(index, database, POOL_TRACE).results if r.id == SEED)
    return {fix.id: fix.verification.status for fix in result.fixes}


def test_a_repeated_search_reads_no_brief_again(database: Database) -> None:
    index = SearchIndex.build(database)
    first = search(index, database, POOL_TRACE)
    reads = index.briefs.reads
    assert search(index, database, POOL_TRACE) == first
    assert index.briefs.reads == reads


def _change_root_cause(database: Database, text: str) -> None:
    with database.write() as session:
        entry = session.get(Entry, SEED)
        assert entry is not None
        entry.root_cause = text
        session.add(entry)
        store.bump_revision(session=session)


def test_a_search_with_every_brief_cached_reads_a_changed_entry_again(database: Database) -> None:
    index = SearchIndex.build(database)
    search(index, database, POOL_TRACE)
    _change_root_cause(database, "A root cause changed after the briefs were cached.")
    results = {r.id: r for r in search(index, database, POOL_TRACE).results}
    assert results[SEED].root_cause == "A root cause changed after the briefs were cached."


def test_a_cached_brief_read_under_an_older_stamp_is_read_again_with_the_missing_ones(
    database: Database,
) -> None:
    index = SearchIndex.build(database)
    search(index, database, POOL_TRACE, limit=1)  # the first result only is cached
    _change_root_cause(database, "Changed between two searches.")
    results = {r.id: r for r in search(index, database, POOL_TRACE, limit=5).results}
    assert len(results) > 1
    assert results[SEED].root_cause == "Changed between two searches."
    reads = index.briefs.reads
    assert search(index, database, POOL_TRACE, limit=5).results == list(results.values())
    assert index.briefs.reads == reads


@pytest.mark.parametrize("backend", ["database", "pg_database"])
def test_a_new_run_shows_in_the_next_search_without_a_refresh(
    backend: str, request: pytest.FixtureRequest
) -> None:
    database: Database = request.getfixturevalue(backend)
    index = SearchIndex.build(database)
    before = _statuses(index, database)
    fix = next(slug for slug, status in before.items() if status == "passed")
    with database.write() as session:
        snippets = store.all_snippets(session=session, entry_id=SEED)
        for snippet in (s for s in snippets if s.fix_slug == fix):
            store.record_run(
                session=session, entry_id=SEED, snippet_slug=snippet.slug,
                code_hash=snippet.code_hash, status="failed",
            )  # fmt: skip
    assert _statuses(index, database)[fix] == "failed"
    assert {k: v for k, v in _statuses(index, database).items() if k != fix} == {
        k: v for k, v in before.items() if k != fix
    }


def test_an_index_searched_against_another_database_reads_that_databases_briefs(
    database: Database, tmp_path_factory: pytest.TempPathFactory, settings: Settings
) -> None:
    index = SearchIndex.build(database)
    search(index, database, POOL_TRACE)
    other_settings = dataclasses.replace(settings, data_dir=tmp_path_factory.mktemp("other"))
    other = prepare_database(other_settings)
    with other.write() as session:
        store.retire_entry(session=session, entry_id=SEED)
    try:
        assert SEED not in [r.id for r in search(index, other, POOL_TRACE).results]
    finally:
        other.dispose()


def _briefs(database: Database, pages: list[list[str]]) -> list[dict[str, store.BriefRow]]:
    out = []
    with database.lookup() as connection:
        for page in pages:
            _, briefs = store.entry_briefs(session=connection, entry_ids=page)
            store.add_fixes(session=connection, briefs=briefs)
            out.append(briefs)
    return out


@pytest.mark.parametrize("backend", ["database", "pg_database"])
def test_briefs_read_on_the_drivers_cursor_equal_those_sqlalchemy_reads(
    backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    database: Database = request.getfixturevalue(backend)
    with database.read() as session:
        ids = sorted(store.entry_hashes(session=session, from_files=True))
    pages = [ids[k : k + size] for size in (1, 5, 9, 40) for k in range(0, len(ids), size)]
    fast = _briefs(database, pages)
    monkeypatch.setattr(briefs_module, "ID_SIZES", ())  # every page through SQLAlchemy
    assert fast == _briefs(database, pages)
    snippets = [s for page in fast for b in page.values() for f in b.fixes for s in f.snippets]
    assert any(s.verified_on and s.figures for s in snippets)  # dates and JSON were converted


@pytest.mark.parametrize("backend", ["database", "pg_database"])
def test_one_statement_reads_the_briefs_the_two_queries_read(
    backend: str, request: pytest.FixtureRequest
) -> None:
    database: Database = request.getfixturevalue(backend)
    with database.write() as session:
        ids = [e.id for e in store.list_entries(session=session, limit=40, offset=0).items]
        store.retire_entry(session=session, entry_id=ids[3])
    with database.lookup() as connection:
        stamp, joined = store.briefs_with_fixes(session=connection, entry_ids=ids)
        read_at, two = store.entry_briefs(session=connection, entry_ids=ids)
        store.add_fixes(session=connection, briefs=two)
    assert stamp == read_at
    assert ids[3] not in joined
    assert joined == two
    assert sum(len(fix.snippets) for brief in joined.values() for fix in brief.fixes) > 40


def test_json_columns_read_empty_values_as_new_objects_and_the_rest_by_json(
    database: Database,
) -> None:
    statement = select(Entry.id, Entry.preference, VerificationRun.figures)
    read = compile_read(statement, database.engine.dialect)
    convert = dict(read.processors)
    assert set(convert) == {1, 2}
    first, second = convert[1]("[]"), convert[1]("[]")
    assert first == second == [] and first is not second
    assert convert[2]("{}") == {} and convert[2]('{"ms": 1.5}') == {"ms": 1.5}
    assert convert[1]('["fix-a", "fix-b"]') == ["fix-a", "fix-b"] and convert[1](None) is None


def test_searches_on_sqlite_read_through_one_kept_connection_that_dispose_closes(
    database: Database,
) -> None:
    with database.lookup() as first:
        assert isinstance(first, PooledRead)
        assert store.briefs_stamp(session=first)[0] is not None
    with pytest.raises(RuntimeError), database.lookup() as failed:  # a failed read gives it back
        assert failed.driver is first.driver
        raise RuntimeError("a read failed")
    with database.lookup() as second:
        assert second.driver is first.driver
        second.invalidate(sqlite3.OperationalError("disconnected"))
    with database.lookup() as third:  # a disconnected one is closed, never lent again
        assert third.driver is not first.driver
    with pytest.raises(sqlite3.ProgrammingError):
        first.driver.execute("SELECT 1")
    database.dispose()
    with pytest.raises(sqlite3.ProgrammingError):
        third.driver.execute("SELECT 1")
    with database.lookup() as after:  # a disposed database still reads, as its engine does
        assert store.briefs_stamp(session=after)[0] is not None
    with database.lookup() as again:
        assert again.driver is after.driver
        database.dispose()  # one lent meanwhile is closed when given back
    with pytest.raises(sqlite3.ProgrammingError):
        again.driver.execute("SELECT 1")
