"""`errata serve` as a user starts it: a real uvicorn process on loopback, loaded on first start."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from errata.config import Settings

from .liveserver import run_server


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_loads_entries_on_first_start_and_serves_the_seed(
    settings: Settings, tmp_path: Path
) -> None:
    env = {
        "ERRATA_DATA_DIR": str(settings.data_dir),
        "ERRATA_ENTRIES_DIR": str(settings.entries_dir),
    }
    assert not settings.data_dir.exists()
    with run_server(env, tmp_path / "serve.log") as server:
        status, entry = _get(f"{server.url}/api/entries/agent-holds-lock-too-long")
        assert status == 200
        assert entry["id"] == "agent-holds-lock-too-long"
        assert len(entry["fixes"]) >= 6  # type: ignore[arg-type]
        status, missing = _get(f"{server.url}/api/entries/nope")
        assert status == 404
        assert "nope" in str(missing["detail"])
    assert (settings.data_dir / "errata.db").exists()


def _report_from(url: str, fix_id: str, forwarded_for: str) -> int:
    """POST one outcome report claiming to come from `forwarded_for`; the status code."""
    body = json.dumps({"fix_id": fix_id, "outcome": "worked"}).encode()
    request = urllib.request.Request(
        f"{url}/api/entries/agent-holds-lock-too-long/outcomes",
        data=body,
        headers={"content-type": "application/json", "x-forwarded-for": forwarded_for},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_spoofed_forwarded_for_from_loopback_does_not_escape_the_rate_limit(
    settings: Settings, tmp_path: Path
) -> None:
    env = {
        "ERRATA_DATA_DIR": str(settings.data_dir),
        "ERRATA_ENTRIES_DIR": str(settings.entries_dir),
        "ERRATA_OUTCOME_RATE_PER_MINUTE": "2",
    }
    with run_server(env, tmp_path / "serve.log") as server:
        _, entry = _get(f"{server.url}/api/entries/agent-holds-lock-too-long")
        fix_id = str(entry["fixes"][0]["id"])  # type: ignore[index]
        codes = [_report_from(server.url, fix_id, f"203.0.113.{n}") for n in range(4)]
    assert codes == [201, 201, 429, 429]  # four "addresses", one client
