"""What errata could not answer: masked, grouped by template, bounded in time, optional."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from errata import store
from errata.app import create_app
from errata.cli import main as errata_main
from errata.config import Settings
from errata.models import utcnow
from errata.observe.gaps import scrub
from errata.services import Services
from fastapi.testclient import TestClient
from sqlalchemy import text

from .web_entries import copy_finished_entries

TOKEN = "maintainer-secret"
KEY = "sk-proj-Zx81KqLmNo02PqRsTuVw"
TEMPLATES = [
    "FrobnicatorError: could not open widget cache at /var/lib/app{n}/cache/{id}.db key {key}",
    "ZorblaxTimeout: request {uuid} to https://admin:hunter{n}@api.example.com/v1 timed out",
    "QuuxConfigError: api_key={key} rejected for owner user{n}@example.com",
    "GlimmerPanic: shard {n} of ring /srv/ring{n}/data lost quorum with id {id}",
    "BlorpException: invalid handle 0x{hex} in /home/u{n}/proj/mod.py line {n} ({key})",
]


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """The repository's finished entries only (fast to load)."""
    return copy_finished_entries(tmp_path / "entries")


def running(settings: Settings) -> Iterator[tuple[TestClient, Services]]:
    with TestClient(create_app(settings.with_changes(maintainer_token=TOKEN))) as client:
        yield client, client.app.state.services  # type: ignore[attr-defined]


@pytest.fixture
def app(settings: Settings) -> Iterator[tuple[TestClient, Services]]:
    """A running app and its services."""
    yield from running(settings)


def variant(template: str, rng: random.Random) -> str:
    """One occurrence of an error: its paths, ids and numbers changed."""
    return template.format(
        n=rng.randint(1, 99_999),
        id="".join(rng.choices("abcdef0123456789", k=24)),
        hex="".join(rng.choices("abcdef0123456789", k=12)),
        uuid=f"{rng.getrandbits(128):032x}",
        key=KEY[:-4] + "".join(rng.choices("ABCDEFGHJK", k=4)),
    )


def gap_rows(services: Services) -> list[tuple[str, str, int]]:
    """(source, example, count) of every stored gap, read back with plain SQL."""
    with services.database.read() as session:
        rows = session.exec(text("SELECT source, example, count FROM gap"))  # type: ignore[call-overload]
        return [(r[0], r[1], r[2]) for r in rows]


def test_fifty_variants_of_five_errors_are_five_gaps_without_secrets(
    app: tuple[TestClient, Services],
) -> None:
    _, services = app
    rng = random.Random(7)
    for template in TEMPLATES:
        for _ in range(10):
            assert services.search(variant(template, rng)).status == "no_match"
    rows = gap_rows(services)
    assert sorted(count for _, _, count in rows) == [10] * 5
    stored = " ".join(example for _, example, _ in rows)
    for secret in ("sk-proj", "Zx81Kq", "hunter", "admin:", "@example.com", "/var/lib", "/srv/"):
        assert secret not in stored


def test_the_gap_list_needs_the_token_and_links_to_a_prefilled_form(
    app: tuple[TestClient, Services],
) -> None:
    client, services = app
    services.search(variant(TEMPLATES[0], random.Random(1)))
    assert client.get("/api/gaps").status_code == 401
    gaps = client.get("/api/gaps", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert gaps[0]["count"] == 1 and gaps[0]["source"] == "no_match"
    form = client.get(gaps[0]["start_entry"])
    assert form.status_code == 200
    assert "FrobnicatorError" in form.text


def test_gaps_not_seen_within_the_retention_are_pruned(app: tuple[TestClient, Services]) -> None:
    _, services = app
    services.search(variant(TEMPLATES[1], random.Random(2)))
    with services.database.write() as session:
        session.exec(
            text("UPDATE gap SET last_seen = :old").bindparams(old=utcnow() - timedelta(days=31))
        )  # type: ignore[call-overload]
    services.search(variant(TEMPLATES[2], random.Random(3)))  # a write prunes what is too old
    rows = gap_rows(services)
    assert len(rows) == 1 and "QuuxConfigError" in rows[0][1]
    with services.database.write() as session:
        assert store.prune_gaps_days(session=session, days=0) == 1


def test_with_collection_off_nothing_is_stored(settings: Settings) -> None:
    for _, services in running(settings.with_changes(collect_gaps=False)):
        for template in TEMPLATES:
            services.search(variant(template, random.Random(4)))
        assert gap_rows(services) == []


def test_a_fix_reported_as_not_working_is_a_gap(app: tuple[TestClient, Services]) -> None:
    client, services = app
    entry = client.get("/api/entries", params={"limit": 1}).json()["items"][0]["id"]
    fix = client.get(f"/api/entries/{entry}").json()["fixes"][0]["id"]
    body = {"fix_id": fix, "outcome": "did_not_work", "details": f"still fails, token {KEY}"}
    assert client.post(f"/api/entries/{entry}/outcomes", json=body).status_code == 201
    rows = gap_rows(services)
    assert [(source, count) for source, _, count in rows] == [("did_not_work", 1)]
    assert fix in rows[0][1] and KEY not in rows[0][1]


def test_scrub_removes_keys_tokens_passwords_addresses_and_long_runs() -> None:
    raw = (
        "Authorization: Bearer abc.def.ghi postgres://bob:s3cret@db/x mail a.b@c.io "
        "ghp_abcdefgh12345678 deadbeefdeadbeefdeadbeef QUJDREVGR0hJSktMTU5PUFFSU1RVVldY0123"
    )
    cleaned = scrub(raw)
    for secret in ("abc.def.ghi", "s3cret", "a.b@c.io", "ghp_", "deadbeef", "QUJDREVG"):
        assert secret not in cleaned


def test_the_gap_page_is_for_maintainers_and_lists_masked_rows(
    app: tuple[TestClient, Services],
) -> None:
    client, services = app
    services.search(variant(TEMPLATES[3], random.Random(5)))
    assert "Maintainer token" in client.get("/moderate/gaps").text
    html = client.get("/moderate/gaps", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert "GlimmerPanic" in html and "/submit?symptom=" in html and "/srv/" not in html


def test_errata_gaps_prints_each_row_with_a_start_link(
    app: tuple[TestClient, Services],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, services = app
    services.search(variant(TEMPLATES[4], random.Random(6)))
    settings = services.settings
    monkeypatch.setenv("ERRATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ERRATA_ENTRIES_DIR", str(settings.entries_dir))
    assert errata_main(["gaps"]) == 0
    out = capsys.readouterr().out
    assert "BlorpException" in out and "start an entry: /submit?symptom=" in out
    assert "sk-proj" not in out


def test_the_outcomes_page_counts_reports_by_distinct_clients(
    app: tuple[TestClient, Services],
) -> None:
    client, _ = app
    entry = client.get("/api/entries", params={"limit": 1}).json()["items"][0]["id"]
    fix = client.get(f"/api/entries/{entry}").json()["fixes"][0]["id"]
    for _ in range(3):  # one client (TestClient's address) reporting three times
        body = {"fix_id": fix, "outcome": "did_not_work", "details": ""}
        assert client.post(f"/api/entries/{entry}/outcomes", json=body).status_code == 201
    assert "Maintainer token" in client.get("/moderate/outcomes").text
    html = client.get("/moderate/outcomes", headers={"Authorization": f"Bearer {TOKEN}"}).text
    row = html.split('class="outcome-row"')[1].split("</tr>")[0]
    assert entry in row and fix in row and "3 (1)" in row
