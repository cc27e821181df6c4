"""Shared fixtures: settings on a temp folder, a live app, the real sandbox, a real PostgreSQL
server."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from errata.app import create_app
from errata.config import REPO_ROOT, Settings
from errata.harness.sandbox import Sandbox
from fastapi.testclient import TestClient

from .pgserver import PostgresServer, remove, start_postgres
from .sandbox_support import require_sandbox

REPO_ENTRIES = REPO_ROOT / "entries"
_database_names = itertools.count()


TEST_HOSTS = (*Settings().allowed_hosts, "testserver")  # and TestClient's default host


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """A private copy of the repository's entries, safe to change."""
    target = tmp_path / "entries"
    shutil.copytree(REPO_ENTRIES, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, entries_dir: Path) -> Settings:
    """Settings for a fresh SQLite database in a temp folder."""
    return Settings(
        data_dir=tmp_path / "data",
        entries_dir=entries_dir,
        verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A TestClient with the app's lifespan running."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole test session."""
    server = start_postgres()
    try:
        yield server
    finally:
        remove(server)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the test server."""
    return postgres_server.create_database(f"errata_{os.getpid()}_{next(_database_names)}")


@pytest.fixture
def pg_settings(tmp_path: Path, entries_dir: Path, postgres_url: str) -> Settings:
    """Settings for a fresh PostgreSQL database."""
    return Settings(
        data_dir=tmp_path / "data",
        entries_dir=entries_dir,
        database_url=postgres_url,
        verify_on_start=False,
        allowed_hosts=TEST_HOSTS,
    )


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    """The real sandbox, self-tested; fails under CI when unavailable, skips elsewhere."""
    return require_sandbox()
