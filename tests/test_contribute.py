"""The contribution loop over REST and the form: trial runs, chosen ids, other languages,
maintainers' edits, the list of submissions, and the way in from a search that found nothing."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from errata import store
from errata.api.submission_list import statuses
from errata.app import create_app
from errata.config import REPO_ROOT, Settings
from errata.contributions.check_template import (
    CHECK_TEMPLATE,
    EXAMPLE_CODE,
    JS_CHECK_TEMPLATE,
    JS_EXAMPLE_CODE,
)
from errata.contributions.lifecycle import OPEN_STATUSES
from errata.contributions.moderation import symptom_diff
from errata.contributions.trial import TRIAL_TARGET, TRIAL_TTL
from errata.contributions.trial import get as get_trial
from errata.db import Database
from errata.harness.sandbox import Sandbox
from errata.migrations import migrate
from errata.models import Submission, Trial, VerificationRun, utcnow
from errata.sync import prepare_database
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import col, select

from .test_moderation import valid
from .test_runner import make_settings
from .test_web import csrf, form_data, sign_in

TOKEN = "maintainer-secret"
MAINTAINER = {"Authorization": f"Bearer {TOKEN}"}
SEED = "agent-holds-lock-too-long"
FAILING_CHECK = CHECK_TEMPLATE.replace('assert name == "Ada"', 'assert name == "Grace"')


def seed_only(tmp_path: Path) -> Settings:
    """Settings whose entries folder holds the seed entry alone (a curated id to collide with)."""
    settings = make_settings(tmp_path, maintainer_token=TOKEN)
    shutil.copytree(REPO_ROOT / "entries" / SEED, settings.entries_dir / SEED)
    return settings


@pytest.fixture
def off(tmp_path: Path) -> Iterator[TestClient]:
    """An app with the sandbox off and a small per-client limit on sandbox runs."""
    settings = seed_only(tmp_path).with_changes(sandbox="off", verify_rate_per_minute=2)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def live(tmp_path: Path, sandbox: Sandbox) -> Iterator[TestClient]:
    """An app with the real sandbox (skipped, or failed under CI, when it is unavailable)."""
    with TestClient(create_app(seed_only(tmp_path))) as client:
        yield client


def database(client: TestClient) -> Database:
    """The running app's database."""
    found: Database = client.app.state.services.database  # type: ignore[attr-defined]
    return found


def wait_for_trial(client: TestClient, trial_id: str, within: float = 90) -> dict[str, Any]:
    """Poll the trial's JSON until it is done; fail at the deadline."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/trials/{trial_id}").json()
        if body["status"] == "done":
            return body
        time.sleep(0.1)
    pytest.fail(f"trial {trial_id} did not finish within {within} s")


def test_the_check_templates_pass_in_the_sandbox_with_the_fixes_they_describe(
    sandbox: Sandbox,
) -> None:
    assert sandbox.run(EXAMPLE_CODE, CHECK_TEMPLATE, timeout=60).status == "passed"
    assert sandbox.run(EXAMPLE_CODE, FAILING_CHECK, timeout=60).status == "failed"
    run_js = sandbox.run(JS_EXAMPLE_CODE, JS_CHECK_TEMPLATE, timeout=60, language="javascript")
    assert run_js.status == "passed", run_js.error


@pytest.mark.sandbox
def test_a_trial_shows_a_pass_or_a_failure_and_stores_no_submission(live: TestClient) -> None:
    passing = live.post("/api/trials", json={"code": EXAMPLE_CODE, "check": CHECK_TEMPLATE})
    failing = live.post("/api/trials", json={"code": EXAMPLE_CODE, "check": FAILING_CHECK})
    assert passing.status_code == failing.status_code == 202
    passed = wait_for_trial(live, passing.json()["id"])
    failed = wait_for_trial(live, failing.json()["id"])
    assert passed["passed"] and passed["outcome"] == "passed"
    assert passed["shown"] == "the contributor's check passed"
    assert not failed["passed"] and failed["outcome"] == "failed"
    assert "Grace" in failed["stderr"] or "Grace" in failed["error"]
    with database(live).read() as session:
        assert session.exec(select(Submission)).all() == []
        unkeyed = select(VerificationRun).where(col(VerificationRun.entry_id).is_(None))
        assert session.exec(unkeyed).all() == []  # only the seed's shipped records
        kept = session.get(Trial, passed["id"])
        assert kept is not None and kept.code == "" and kept.check_code == ""
    page = live.get(passing.json()["status_url"])
    assert page.status_code == 200 and "Passed" in page.text


@pytest.mark.sandbox
def test_code_in_another_language_is_kept_unrun_and_shown_as_not_verified(
    live: TestClient,
) -> None:
    fix = {"title": "Close the body", "code": "defer resp.Body.Close()\n", "language": "go"}
    answer = live.post("/api/submissions", json=valid(fixes=[fix], languages=["go"]))
    assert answer.status_code == 202, answer.text
    url, deadline = f"/api/submissions/{answer.json()['id']}", time.monotonic() + 60
    while (body := live.get(url).json())["status"] in ("pending", "verifying"):
        assert time.monotonic() < deadline, "the submission was not settled in time"
        time.sleep(0.1)
    assert body["status"] == "unverified"
    assert "not go" in body["verification"][0]["error"].lower()
    assert "not verified" in live.get(answer.json()["status_url"]).text
    refused = live.post("/api/trials", json={"code": fix["code"], "language": "go"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "language"


def test_trials_are_limited_per_client_and_refused_plainly_without_a_sandbox(
    off: TestClient,
) -> None:
    first = off.post("/api/trials", json={"code": EXAMPLE_CODE, "check": CHECK_TEMPLATE})
    assert first.status_code == 503 and "sandbox" in first.json()["detail"]
    off.post("/api/trials", json={"code": EXAMPLE_CODE})
    third = off.post("/api/trials", json={"code": EXAMPLE_CODE})
    assert third.status_code == 429 and int(third.headers["retry-after"]) >= 1
    bad = off.post("/api/trials", json={"code": "def broken(:\n"})
    assert bad.status_code == 422  # mistakes are told before the limit counts
    assert off.get("/api/trials/trial-0000").status_code == 404
    assert off.get("/api/trials/not-a-trial").status_code == 422


def test_a_python_syntax_error_is_refused_before_anything_runs(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, sandbox="off"))) as client:
        bad = client.post("/api/trials", json={"code": "def broken(:\n", "check": "x ="})
    fields = {item["field"] for item in bad.json()["detail"]}
    assert bad.status_code == 422 and fields == {"code", "check"}


def test_trial_results_are_swept_once_they_expire(tmp_path: Path) -> None:
    own = prepare_database(make_settings(tmp_path))  # no runner here sweeps on its own
    with own.write() as session:
        for trial_id, age in (("trial-aa", TRIAL_TTL + timedelta(minutes=1)), ("trial-bb", None)):
            store.create_trial(
                session=session, trial_id=trial_id, client_key="k", language="python",
                code="x = 1\n", check_code="",
            )  # fmt: skip
            if age is not None:
                session.get(Trial, trial_id).created_at = utcnow() - age  # type: ignore[union-attr]
    assert TRIAL_TARGET.sweep is not None and TRIAL_TARGET.sweep(own) == 1
    assert get_trial(own, "trial-aa") is None
    kept = get_trial(own, "trial-bb")
    assert kept is not None and kept.status == "queued"


def test_a_chosen_entry_id_is_kept_and_a_taken_or_malformed_one_refused(off: TestClient) -> None:
    chosen = off.post("/api/submissions", json=valid(entry_id="my-own-id"))
    assert chosen.status_code == 202 and chosen.json()["entry_id"] == "my-own-id"
    for taken in (SEED, "my-own-id"):
        again = off.post("/api/submissions", json=valid(entry_id=taken))
        detail = again.json()["detail"][0]
        assert again.status_code == 422 and detail["field"] == "entry_id", again.text
        assert "taken" in detail["msg"]
    malformed = off.post("/api/submissions", json=valid(entry_id="Not A Slug"))
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["field"] == "entry_id"


def test_a_maintainer_edit_is_recorded_and_becomes_the_entry(off: TestClient) -> None:
    submission_id = off.post("/api/submissions", json=valid()).json()["id"]
    change = {"title": "Thread pool keeps the process alive at exit", "tags": ["threads, exit"]}
    assert off.patch(f"/api/submissions/{submission_id}", json=change).status_code == 401
    edited = off.patch(f"/api/submissions/{submission_id}", json=change, headers=MAINTAINER)
    assert edited.status_code == 200 and edited.json()["title"] == change["title"]
    with database(off).read() as session:
        history = store.get_submission(session=session, submission_id=submission_id).history  # type: ignore[union-attr]
    assert [h["fields"] for h in history] == [["title", "tags"]]
    assert history[0]["before"]["title"] == valid()["title"] and "bearer" in history[0]["by"]
    url = f"/api/submissions/{submission_id}"
    off.post(f"{url}/approve", json={"force": True}, headers=MAINTAINER)
    entry = off.get(f"/api/entries/{off.get(url).json()['entry_id']}").json()
    assert entry["title"] == change["title"] and entry["tags"] == ["threads", "exit"]
    late = off.patch(url, json={"title": "Too late for this"}, headers=MAINTAINER)
    assert late.status_code == 409


def test_an_edit_that_breaks_the_entry_is_refused_field_by_field(off: TestClient) -> None:
    submission_id = off.post("/api/submissions", json=valid()).json()["id"]
    url = f"/api/submissions/{submission_id}"
    short = off.patch(url, json={"title": "no"}, headers=MAINTAINER)
    assert short.status_code == 422 and short.json()["detail"][0]["field"] == "title"
    code = off.patch(url, json={"fixes": [{"code": "print(1)"}]}, headers=MAINTAINER)
    assert code.status_code == 422  # code is not an editable field
    assert off.patch("/api/submissions/sub-nope", json={}, headers=MAINTAINER).status_code == 404
    sign_in(off)  # a maintainer's browser session writes only with its CSRF token
    assert off.patch(url, json={"title": "Signed in, no token"}).status_code == 403
    assert off.get("/api/submissions").status_code == 200  # reading needs none


def test_maintainers_list_submissions_by_status_a_page_at_a_time(off: TestClient) -> None:
    for n in range(3):
        off.post("/api/submissions", json=valid(title=f"Thread pool never shuts down {n}"))
    assert off.get("/api/submissions").status_code == 401
    first = off.get("/api/submissions?status=unverified&limit=2", headers=MAINTAINER).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_offset"] == 2
    rest = off.get("/api/submissions?status=unverified&offset=2", headers=MAINTAINER).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    assert off.get("/api/submissions?status=approved", headers=MAINTAINER).json()["total"] == 0
    both = off.get("/api/submissions?status=approved,unverified", headers=MAINTAINER).json()
    assert both["total"] == 3
    bad = off.get("/api/submissions?status=bogus", headers=MAINTAINER)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "status"]
    assert statuses("open, approved") == (*OPEN_STATUSES, "approved")
    assert statuses("rejected,all") is None


def test_the_symptom_diff_shows_shared_lines_once_and_each_side_s_own() -> None:
    lines = symptom_diff(["Boom: X", "only old"], ["boom:  x", "only new"])
    assert [(line.side, line.text) for line in lines] == [
        ("both", "boom:  x"),
        ("entry", "only old"),
        ("submission", "only new"),
    ]


def test_a_search_that_finds_nothing_offers_to_contribute_the_error(off: TestClient) -> None:
    trace = 'GlimmerPanic: shard 7 lost quorum\n  at ring.rs:42 & "more"'
    page = off.get("/", params={"q": trace}).text
    link = re.search(r'id="contribute-this-error" href="([^"]+)"', page)
    assert link is not None and link.group(1) == "/submit?symptom=" + quote(trace, safe="/")
    form = off.get("/submit", params={"symptom": trace + "<script>"}).text
    assert "GlimmerPanic: shard 7 lost quorum\n  at ring.rs:42 &amp; &#34;more&#34;" in form
    assert "<script>" not in form.split('id="symptom-0"')[1].split("</textarea>")[0]


def test_the_form_tells_a_taken_id_and_an_unavailable_sandbox_beside_their_fields(
    off: TestClient,
) -> None:
    token = csrf(off)
    taken = off.post("/submit", data=form_data(token, entry_id=SEED))
    assert taken.status_code == 422 and 'id="error-entry_id"' in taken.text
    assert "taken by an existing entry" in taken.text
    tried = off.post("/submit", data=form_data(token, action="trial:0"))
    assert tried.status_code == 503 and 'id="error-fixes-0-check"' in tried.text
    assert "sandbox cannot run code here" in tried.text
    with database(off).read() as session:
        assert store.count_submissions(session=session, statuses=None) == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_database_from_before_trials_and_edits_gains_them(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    old = Database(url)
    migrate(old)
    with old.engine.begin() as connection:  # the schema as migration 8 left it
        connection.execute(text("DROP TABLE trial"))
        connection.execute(text("ALTER TABLE submission DROP COLUMN history"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version IN (9, 10)"))
    assert migrate(old) == [9, 10]
    assert "history" in {c["name"] for c in inspect(old.engine).get_columns("submission")}
    with old.write() as session:
        store.create_trial(
            session=session, trial_id="trial-cc", client_key="", language="python", code="x\n",
            check_code="",
        )  # fmt: skip
    assert get_trial(old, "trial-cc") is not None
    old.dispose()


def test_a_refused_edit_comes_back_in_its_card_as_typed(off: TestClient) -> None:
    submission_id = off.post("/api/submissions", json=valid()).json()["id"]
    sign_in(off)
    token = csrf(off, "/moderate")
    fields = {"csrf_token": token, "title": "no", "tags": "threads", "root_cause": "Typed cause."}
    fields |= {"symptoms": ["one"], "fix_title": ["Pool"], "fix_applies_when": [""]}
    fields |= {"fix_explanation": ["Use `with`."], "source": "own experience"}
    refused = off.post(f"/moderate/{submission_id}/edit", data=fields)
    assert refused.status_code == 422 and "This edit was not saved" in refused.text
    assert f'id="edit-{submission_id}-title" name="title" value="no"' in refused.text
    assert "Typed cause." in refused.text
    saved = off.post(
        f"/moderate/{submission_id}/edit", data={**fields, "title": "A title long enough"}
    )
    assert saved.status_code == 200 and "Done: edit" in saved.text
    listed = off.get("/api/submissions?status=all", headers=MAINTAINER).json()["items"]
    history = listed[0]["history"]
    assert "cookie" in history[0]["by"] and "title" in history[0]["fields"]
