"""Every snippet of every entry runs through the real harness, and every entry ends verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from errata import store
from errata.cli import main
from errata.config import Settings
from errata.db import Database

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]


def test_errata_verify_all_passes_and_every_entry_is_verified(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ERRATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(settings.entries_dir))
    monkeypatch.setenv("ERRATA_VERIFY_CONCURRENCY", "2")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["load"]) == 0
    capsys.readouterr()
    status = main(["verify", "--all", "--json"])
    summary = capsys.readouterr().out
    assert status == 0, summary[-4000:]
    json.loads(summary)  # the summary is JSON an agent or a script can read
    database = Database(f"sqlite:///{Path(settings.data_dir) / 'errata.db'}")
    with database.read() as session:
        ids = store.entry_hashes(session=session)
        entries = [store.get_entry(session=session, entry_id=i) for i in sorted(ids)]
    assert len(entries) >= 31
    javascript = {
        entry.id
        for entry in entries
        if entry is not None
        for fix in entry.fixes
        for s in fix.snippets
        if s.language in ("javascript", "typescript") and s.verification.status == "passed"
    }
    assert len(javascript) >= 15, sorted(javascript)
    for entry in entries:
        assert entry is not None and entry.verified, entry and entry.id
        snippets = [s for fix in entry.fixes for s in fix.snippets]
        for snippet in snippets:
            record = snippet.verification
            assert record.status in ("passed", "failed"), (entry.id, snippet.id, record)
            assert not record.stale and record.sandbox_version and record.duration_ms > 0
            if record.status == "failed":
                assert snippet.kind == "published", (entry.id, snippet.id, record.error)
                assert record.error, (entry.id, snippet.id)
                assert any(
                    s.corrects == snippet.id and s.verification.status == "passed" for s in snippets
                ), f"{entry.id}/{snippet.id} failed with no passing correction: {record.error}"
