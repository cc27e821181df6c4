"""Moderation shows what a moderator must judge: root cause, each fix's explanation, code and
check, the last lines of the run's stderr, the static review's flags, the nearest entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from errata import store
from errata.app import create_app
from errata.config import Settings
from errata.contributions import lifecycle
from errata.contributions.moderation import STDERR_CHARS, STDERR_LINES, stderr_tail
from errata.contributions.submission import SubmissionIn
from errata.entry_files import parse_entry
from errata.models import EntryDraft
from errata.services import Services
from fastapi.testclient import TestClient

from .test_moderation import SEED, valid
from .web_entries import copy_finished_entries

TOKEN = "maintainer-secret"
MAINTAINER = {"Authorization": f"Bearer {TOKEN}"}
CHECK = "from errata_check import load_snippet\n\nns = load_snippet()\nassert ns['total'] == 1\n"
CODE = "import os\ntotal = 1\nos._exit(0)\n"
STDERR = "".join(f"stderr line {i}\n" for i in range(100))
FLAG = {"file": "snippet", "line": 3, "code": "early-exit", "message": "os._exit ends the run"}


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """The repository's finished entries."""
    return copy_finished_entries(tmp_path / "entries")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """An app without a sandbox (nothing runs) and a known maintainer token."""
    changed = settings.with_changes(sandbox="off", maintainer_token=TOKEN)
    with TestClient(create_app(changed)) as test_client:
        yield test_client


def _services(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def _submit_flagged(services: Services, **changes: object) -> str:
    """A submission whose one snippet passed its check but was flagged, as the harness leaves it."""
    fix = {**valid()["fixes"][0], "code": CODE, "check": CHECK}
    data = valid(fixes=[fix], **changes)
    receipt = lifecycle.submit(services, SubmissionIn.model_validate(data), client_key="a")
    with services.database.write() as session:
        submission = store.get_submission(session=session, submission_id=receipt.id)
        assert submission is not None
        snippet = EntryDraft.model_validate(submission.draft).fixes[0].snippets[0]
        store.record_run(
            session=session,
            submission_id=receipt.id,
            snippet_slug=snippet.id,
            code_hash="h",
            status="passed",
            stderr=STDERR,
            flags=[FLAG],
        )
        store.transition_submission(
            session=session, submission_id=receipt.id, to="flagged", allowed_from=("unverified",)
        )
    return receipt.id


def test_the_stderr_tail_keeps_the_last_lines_within_bounds() -> None:
    tail = stderr_tail(STDERR)
    assert tail.splitlines() == [f"stderr line {i}" for i in range(100 - STDERR_LINES, 100)]
    assert len(stderr_tail("x" * 100_000)) == STDERR_CHARS
    assert stderr_tail("") == ""


def test_rest_gives_maintainers_the_review_and_everyone_else_none(client: TestClient) -> None:
    submission_id = _submit_flagged(_services(client))
    anonymous = client.get(f"/api/submissions/{submission_id}").json()
    assert anonymous["review"] is None and anonymous["status"] == "flagged"
    review = client.get(f"/api/submissions/{submission_id}", headers=MAINTAINER).json()["review"]
    assert review["root_cause"] == valid()["root_cause"]
    (fix,) = review["fixes"]
    assert fix["explanation"] == valid()["fixes"][0]["explanation"]
    (snippet,) = fix["snippets"]
    assert (snippet["code"], snippet["check_code"]) == (CODE, CHECK)
    assert snippet["status"] == "passed" and snippet["shown"] is None  # flagged: not yet shown
    assert snippet["stderr_tail"].endswith("stderr line 99")
    assert "stderr line 0\n" not in snippet["stderr_tail"]
    assert snippet["flags"] == [FLAG]
    assert review["nearest"] is None or review["nearest"]["reason"] == "best search hit"


def test_the_nearest_entry_is_the_duplicate_found_at_submission(
    client: TestClient, entries_dir: Path
) -> None:
    symptoms = parse_entry(entries_dir / SEED).symptoms[:3]
    submission_id = _submit_flagged(_services(client), symptoms=symptoms)
    review = client.get(f"/api/submissions/{submission_id}", headers=MAINTAINER).json()["review"]
    assert review["nearest"]["id"] == SEED and review["nearest"]["reason"] == "duplicate_of"


def test_without_a_duplicate_the_nearest_entry_is_the_best_search_hit(
    client: TestClient,
) -> None:
    services = _services(client)
    data = valid(symptoms=["the quokka widget spins forever waiting on a lock"])
    receipt = lifecycle.submit(services, SubmissionIn.model_validate(data), client_key="a")
    assert receipt.duplicate_of is None
    got = client.get(f"/api/submissions/{receipt.id}", headers=MAINTAINER).json()
    nearest = got["review"]["nearest"]
    assert nearest["reason"] == "best search hit" and nearest["id"] and nearest["score"] > 0


def test_the_moderation_page_shows_what_a_moderator_must_judge(client: TestClient) -> None:
    submission_id = _submit_flagged(_services(client))
    page = client.get("/moderate", headers=MAINTAINER).text
    item = page.split(f'id="queue-{submission_id}"', 1)[1].split("</article>", 1)[0]
    assert valid()["root_cause"] in item
    assert "waits for the workers" in item  # the fix's explanation, as Markdown
    assert "_exit" in item and "load_snippet" in item  # the code and its check, highlighted
    assert "stderr line 99" in item and "stderr line 0\n" not in item
    assert "os._exit ends the run" in item and "early-exit" in item
    assert f'id="nearest-{submission_id}"' in item
    assert 'name="force"' in item  # approve anyway: a flagged submission


@pytest.mark.parametrize("status", ["flagged", "ran_without_error", "failed", "unverified"])
def test_approve_anyway_is_offered_for_every_status_that_needs_it(
    client: TestClient, status: str
) -> None:
    services = _services(client)
    receipt = lifecycle.submit(services, SubmissionIn.model_validate(valid()), client_key="a")
    if status != "unverified":
        with services.database.write() as session:
            store.transition_submission(
                session=session, submission_id=receipt.id, to=status, allowed_from=("unverified",)
            )
    page = client.get("/moderate", headers=MAINTAINER).text
    item = page.split(f'id="queue-{receipt.id}"', 1)[1].split("</article>", 1)[0]
    assert 'name="force"' in item
    assert "No check: the most this snippet can show is that it ran without error" in item
