"""Settings are read once from the environment, with clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from errata.config import SettingsError, load_settings


def test_defaults_put_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings({"ERRATA_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'errata.db'}"
    assert settings.is_sqlite


def test_database_url_selects_postgresql() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://u@127.0.0.1:5432/errata"})
    assert not settings.is_sqlite


def test_a_non_numeric_number_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="ERRATA_VERIFY_CONCURRENCY must be an integer"):
        load_settings({"ERRATA_VERIFY_CONCURRENCY": "two"})


def test_production_mode_needs_a_maintainer_token() -> None:
    with pytest.raises(SettingsError, match="ERRATA_MAINTAINER_TOKEN"):
        load_settings({"ERRATA_MODE": "production"})
    with pytest.raises(SettingsError, match="at least 32 characters"):
        load_settings({"ERRATA_MODE": "production", "ERRATA_MAINTAINER_TOKEN": "t" * 31})
    assert (
        load_settings({"ERRATA_MODE": "production", "ERRATA_MAINTAINER_TOKEN": "t" * 32}).mode
        == "production"
    )


def test_allowed_hosts_are_a_comma_list() -> None:
    settings = load_settings({"ERRATA_ALLOWED_HOSTS": "errata.example:*, 10.0.0.5:8000"})
    assert settings.allowed_hosts == ("errata.example:*", "10.0.0.5:8000")
