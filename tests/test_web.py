"""The web pages and their safety: CSP, CSRF, sanitized text, body limit, rate limit, auth."""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from errata import store
from errata.app import create_app
from errata.config import Settings
from fastapi.testclient import TestClient

from .liveserver import run_server
from .test_moderation import valid
from .web_entries import copy_finished_entries

TOKEN = "maintainer-secret"
XSS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">a</a>',
    "javascript:alert(1)",
]
SEED = "agent-holds-lock-too-long"


class TagCollector(HTMLParser):
    """Every start tag and its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """No script but /static ones, no event handler attribute, no javascript: URL."""
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
        assert tag not in ("iframe", "object", "embed", "svg") or attrs.get("class") == "chart"
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)
    for match in re.finditer(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert match.group(1).strip() == "", "inline script"


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    """The repository's finished entries (overrides conftest's copy of the whole folder)."""
    return copy_finished_entries(tmp_path / "entries")


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    """No sandbox (nothing to run here), a known token, a small rate limit."""
    return settings.with_changes(
        sandbox="off", maintainer_token=TOKEN, submission_rate_per_minute=3
    )


@pytest.fixture
def web(web_settings: Settings) -> Iterator[TestClient]:
    """A browser-like client of a running app."""
    with TestClient(create_app(web_settings), base_url="http://127.0.0.1") as client:
        yield client


def csrf(client: TestClient, path: str = "/submit") -> str:
    """Load a form page (which sets the CSRF cookie) and return its token."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def form_data(token: str, **changes: Any) -> dict[str, Any]:
    """The contributor form filled in correctly."""
    data = valid()
    fix = data["fixes"][0]
    form = {
        "csrf_token": token,
        "title": data["title"],
        "symptoms": data["symptoms"],
        "root_cause": data["root_cause"],
        "fix_title": [fix["title"]],
        "fix_explanation": [fix["explanation"]],
        "fix_code": [fix["code"]],
        "fix_check": [""],
        "languages": "python",
        "tags": "threads",
        "environment": "Python 3.11",
        "source": data["source"],
        "contact": data["contact"],
        "website": "",
    }
    form.update(changes)
    return form


def sign_in(client: TestClient) -> None:
    """Sign in on the moderation page with the maintainer token."""
    token = csrf(client, "/moderate")
    answer = client.post("/moderate/login", data={"csrf_token": token, "token": TOKEN})
    assert answer.status_code == 200 and "Sign in" not in answer.text


def test_every_page_carries_a_strict_csp_and_no_inline_script(web: TestClient) -> None:
    for path in ("/", f"/?q={SEED}", f"/entries/{SEED}", "/submit", "/moderate", "/nope-page"):
        answer = web.get(path)
        if path != "/nope-page":
            assert answer.status_code == 200, path
            policy = answer.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
            assert_inert(answer.text)
    assert web.get("/static/app.js").status_code == 200
    assert web.get("/entries/no-such-entry").status_code == 404


def test_the_search_page_ranks_the_seed_entry_first_for_its_symptom(web: TestClient) -> None:
    trace = "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached"
    answer = web.get("/", params={"q": trace})
    first = re.search(r'href="/entries/([^"#]+)"', answer.text)
    assert first and first.group(1) == SEED
    # A pool timeout has several causes (the entries share the message): each is a candidate
    # with the observation that confirms it, none is the confident answer.
    assert 'id="differential"' in answer.text and "Confirmed by:" in answer.text
    assert "confident match" not in answer.text


def test_the_entry_page_draws_a_chart_of_measured_figures(web: TestClient) -> None:
    services = web.app.state.services  # type: ignore[attr-defined]
    entry = web.get(f"/api/entries/{SEED}").json()
    snippet = entry["fixes"][0]["snippets"][0]
    with services.database.write() as session:
        store.record_run(
            session=session, entry_id=SEED, snippet_slug=snippet["id"],
            code_hash=snippet["verification"]["code_hash"], status="passed",
            figures={"wrong_ms": 512.0, "right_ms": 101.5, "speedup": 5.04},
        )  # fmt: skip
    page = web.get(f"/entries/{SEED}").text
    assert '<svg class="chart"' in page and "512.0 ms" in page and "101.5 ms" in page
    assert "speedup" in page and 'class="highlight"' in page


def test_a_form_post_without_a_csrf_token_gets_403(web: TestClient) -> None:
    token = csrf(web)
    assert web.post("/submit", data=form_data("")).status_code == 403
    assert web.post("/submit", data=form_data(token + "x")).status_code == 403
    web.cookies.clear()  # a token from another client's page does not pass either
    assert web.post("/submit", data=form_data(token)).status_code == 403
    login = web.post("/moderate/login", data={"token": TOKEN})
    assert login.status_code == 403
    with services_of(web).database.read() as session:
        assert store.list_submissions(session=session) == []


def services_of(client: TestClient) -> Any:
    """The app's services."""
    return client.app.state.services  # type: ignore[attr-defined]


def test_a_form_error_comes_back_beside_its_field_with_the_form_refilled(web: TestClient) -> None:
    token = csrf(web)
    answer = web.post("/submit", data=form_data(token, root_cause="", fix_code=["def f(:\n"]))
    assert answer.status_code == 422
    assert re.search(r'id="error-root_cause">explain the root cause<', answer.text)
    assert 'id="error-fixes-0-code">Python syntax error on line 1' in answer.text
    assert 'value="Thread pool never shuts down at exit"' in answer.text
    assert "def f(:" in answer.text
    fixed = web.post("/submit", data=form_data(token), follow_redirects=False)
    assert fixed.status_code == 303 and fixed.headers["location"].startswith("/submissions/sub-")


def test_form_rows_are_added_and_removed_without_javascript(web: TestClient) -> None:
    token = csrf(web)
    data = form_data(token, symptoms=["one", "two"], action="add-symptom")
    added = web.post("/submit", data=data)
    assert added.status_code == 200 and added.text.count('name="symptoms"') == 3
    removed = web.post(
        "/submit", data=form_data(token, symptoms=["one", "two"], action="remove-symptom:0")
    )
    assert ">two</textarea>" in removed.text and ">one</textarea>" not in removed.text
    more = web.post("/submit", data=form_data(token, action="add-fix"))
    assert more.text.count('name="fix_code"') == 2


def test_the_honeypot_field_refuses_the_submission(web: TestClient) -> None:
    token = csrf(web)
    answer = web.post("/submit", data=form_data(token, website="http://spam.example"))
    assert answer.status_code == 400
    with services_of(web).database.read() as session:
        assert store.list_submissions(session=session) == []


def test_an_xss_payload_in_every_text_field_renders_inert(web: TestClient) -> None:
    payload = " ".join(XSS)
    data = valid(
        title="Boom " + payload,
        symptoms=[payload, "boom " + payload],
        root_cause=payload,
        environment=[payload],
        source=payload,
        contact=payload[:300],
    )
    data["fixes"] = [
        {"title": payload, "explanation": payload, "code": f"x = {payload!r}\n",
         "check": f"# {payload}\nprint(1)\n"}
    ]  # fmt: skip
    receipt = web.post("/api/submissions", json=data)
    assert receipt.status_code == 202, receipt.text
    submission_id = receipt.json()["id"]
    sign_in(web)
    pages = [f"/submissions/{submission_id}", "/moderate"]
    approved = web.post(
        f"/api/submissions/{submission_id}/approve",
        json={"force": True, "note": payload},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert approved.status_code == 200
    entry_id = approved.json()["entry_id"]
    pages += [
        f"/entries/{entry_id}",
        f"/submissions/{submission_id}",
        "/moderate",
        f"/?q={payload}",
    ]
    for path in pages:
        answer = web.get(path)
        assert answer.status_code == 200, path
        assert_inert(answer.text)
        assert "&lt;script&gt;" in answer.text, path  # shown as text, not dropped silently
    bad_tags = valid(tags=["<script>alert(1)</script>"])
    assert web.post("/api/submissions", json=bad_tags).status_code == 422


def test_the_api_answers_422_with_every_field_error(web: TestClient) -> None:
    answer = web.post("/api/submissions", json=valid(title="", symptoms=[]))
    assert answer.status_code == 422
    fields = {item["field"] for item in answer.json()["detail"]}
    assert fields == {"title", "symptoms"}
    unknown = web.post("/api/submissions", json={**valid(), "sneaky": 1})
    assert unknown.status_code == 422
    assert web.get("/api/submissions/sub-nothing").status_code == 404
    surrogate = b'{"title": "Hello \\ud800 world", "symptoms": ["a"]}'
    broken = web.post(
        "/api/submissions", content=surrogate, headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"] == ["body", "title"]
    bad_code = web.post("/api/submissions", json=valid(fixes=[{"code": "def f(:"}]))
    assert bad_code.json()["detail"][0]["loc"] == ["body", "fixes", 0, "code"]


def test_a_burst_of_submissions_gets_429_with_retry_after(web: TestClient) -> None:
    answers = [web.post("/api/submissions", json=valid()) for _ in range(5)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]
    assert 1 <= int(answers[3].headers["retry-after"]) <= 60
    token = csrf(web)
    form = web.post("/submit", data=form_data(token))
    assert form.status_code == 429 and "Retry-After" in form.headers
    assert "Too many submissions" in form.text


def test_moderation_needs_the_maintainer_token(web: TestClient) -> None:
    submission_id = web.post("/api/submissions", json=valid()).json()["id"]
    url = f"/api/submissions/{submission_id}/approve"
    assert web.post(url, json={"force": True}).status_code == 401
    wrong = {"Authorization": "Bearer not-it"}
    assert web.post(url, json={"force": True}, headers=wrong).status_code == 401
    assert "Maintainer token" in web.get("/moderate").text
    token = csrf(web, "/moderate")
    denied = web.post("/moderate/login", data={"csrf_token": token, "token": "not-it"})
    assert denied.status_code == 401
    page_approve = web.post(f"/moderate/{submission_id}/approve", data={"csrf_token": token})
    assert page_approve.status_code == 401
    sign_in(web)
    refused = web.post(f"/moderate/{submission_id}/approve", data={"csrf_token": token})
    assert refused.status_code == 409 and "only with force" in refused.text
    done = web.post(
        f"/moderate/{submission_id}/approve", data={"csrf_token": token, "force": "yes"}
    )
    assert done.status_code == 200 and "Approved:" in done.text
    status = web.get(f"/api/submissions/{submission_id}").json()
    assert status["status"] == "approved"
    assert 'id="new-entry">' in done.text and f'/entries/{status["entry_id"]}"' in done.text
    assert web.get(f"/entries/{status['entry_id']}").status_code == 200
    assert f'href="/entries/{status["entry_id"]}"' in web.get("/moderate").text  # recently decided


def test_development_mode_without_a_token_generates_one_and_logs_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="errata.security"):
        app = create_app(settings.with_changes(sandbox="off"))
    logged = re.search(r"maintainer token: (\S+)", caplog.text)
    assert logged
    with TestClient(app) as client:
        submission_id = client.post("/api/submissions", json=valid()).json()["id"]
        answer = client.post(
            f"/api/submissions/{submission_id}/approve",
            json={"force": True},
            headers={"Authorization": f"Bearer {logged.group(1)}"},
        )
    assert answer.status_code == 200


def test_a_body_over_the_limit_gets_413_from_the_test_client(web: TestClient) -> None:
    started = time.perf_counter()
    answer = web.post("/api/submissions", content=b"{" + b" " * 10_000_000 + b"}",
                      headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 413
    assert time.perf_counter() - started < 1.0


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `errata serve` on a free loopback port."""

    folder = tmp_path_factory.mktemp("live")
    env = {
        "ERRATA_DATA_DIR": str(folder / "data"),
        "ERRATA_ENTRIES_DIR": str(copy_finished_entries(folder / "entries")),
        "ERRATA_SANDBOX": "off",
        "ERRATA_MAINTAINER_TOKEN": TOKEN,
    }
    with run_server(env, folder / "server.log") as server:
        yield server.url


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def test_a_10_mb_body_gets_413_before_a_byte_of_it_is_sent(live: str) -> None:
    head = (
        "POST /api/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n"
    )
    with socket.create_connection(_address(live), timeout=5) as sock:
        started = time.perf_counter()
        sock.sendall(head.encode())  # the headers only: the body is never sent
        answer = sock.recv(65536).decode("latin-1")
        elapsed = time.perf_counter() - started
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert elapsed < 0.5, elapsed


def test_a_chunked_body_is_cut_off_at_the_limit(live: str) -> None:
    head = (
        "POST /api/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    sent = 0
    with socket.create_connection(_address(live), timeout=5) as sock:
        sock.sendall(head.encode())
        started = time.perf_counter()
        answer = b""
        try:
            while sent < 10 * 1024 * 1024 and not answer:
                sock.sendall(chunk)
                sent += 65536
                sock.settimeout(0.001)
                with contextlib.suppress(TimeoutError):
                    answer = sock.recv(65536)
                sock.settimeout(5)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(5)
        answer = answer or sock.recv(65536)
        elapsed = time.perf_counter() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 10 * 1024 * 1024 and elapsed < 2.0, (sent, elapsed)


def test_templates_carry_no_inline_style_handler_or_script() -> None:
    from errata.config import REPO_ROOT

    server = REPO_ROOT / "server" / "errata" / "web"
    assert {p.name for p in (server / "static").iterdir()} >= {"style.css", "app.js", "code.css"}
    for template in (server / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle=|\son[a-z]+=|<script>|<style", text), template.name


@pytest.mark.postgres
@pytest.mark.slow
def test_the_submission_rate_limit_holds_across_two_server_processes_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    import json
    import urllib.error
    import urllib.request

    env = {
        "DATABASE_URL": postgres_url,
        "ERRATA_ENTRIES_DIR": str(copy_finished_entries(tmp_path / "entries")),
        "ERRATA_SANDBOX": "off",
        "ERRATA_MAINTAINER_TOKEN": TOKEN,
        "ERRATA_SUBMISSION_RATE_PER_MINUTE": "4",
    }

    def submit(url: str) -> tuple[int, str | None]:
        body = json.dumps(valid()).encode()
        request = urllib.request.Request(
            f"{url}/api/submissions", body, {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, None
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Retry-After")

    first_env = {**env, "ERRATA_DATA_DIR": str(tmp_path / "one")}
    second_env = {**env, "ERRATA_DATA_DIR": str(tmp_path / "two")}
    with (
        run_server(first_env, tmp_path / "one.log") as one,
        run_server(second_env, tmp_path / "two.log") as two,
    ):
        answers = [submit(server.url) for server in (one, two, one, two, one, two, one, two)]
    assert [status for status, _ in answers].count(202) == 4
    assert [status for status, _ in answers[4:]] == [429, 429, 429, 429]
    assert all(retry is not None and 1 <= int(retry) <= 60 for _, retry in answers[4:])


def test_rest_moderation_with_the_session_cookie_needs_a_csrf_token(web: TestClient) -> None:
    submission_id = web.post("/api/submissions", json=valid()).json()["id"]
    url = f"/api/submissions/{submission_id}/reject"
    sign_in(web)
    forged = web.post(url, json={"note": "cross-site"})
    assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
    assert web.get(f"/api/submissions/{submission_id}").json()["status"] != "rejected"
    token = csrf(web, "/moderate")
    done = web.post(url, json={"note": "a duplicate"}, headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json()["status"] == "rejected"


def test_each_sign_in_gets_its_own_session_and_sign_out_revokes_it(web: TestClient) -> None:
    sign_in(web)
    first = web.cookies.get("errata_maintainer")
    sign_in(web)
    second = web.cookies.get("errata_maintainer")
    assert first and second and first != second
    token = csrf(web, "/moderate")
    assert web.post("/moderate/logout", data={"csrf_token": token}).status_code == 200
    assert "Maintainer token" in web.get("/moderate").text
    web.cookies.set("errata_maintainer", second)  # a copy kept after sign-out is dead too
    assert "Maintainer token" in web.get("/moderate").text
    web.cookies.set("errata_maintainer", first)  # the other sign-in still holds
    assert "Sign out" in web.get("/moderate").text


def test_an_expired_or_forged_session_cookie_is_no_session(web: TestClient) -> None:
    sign_in(web)
    issued, session_id, signature = web.cookies["errata_maintainer"].split(".")
    for value in (f"{int(issued) - 13 * 3600}.{session_id}.{signature}", f"{issued}.x.{signature}"):
        web.cookies.clear()
        web.cookies.set("errata_maintainer", value)
        assert "Maintainer token" in web.get("/moderate").text


def test_wrong_token_guesses_are_throttled_even_for_the_right_token(web: TestClient) -> None:
    token = csrf(web, "/moderate")
    guesses = [
        web.post("/moderate/login", data={"csrf_token": token, "token": f"guess-{n}"}).status_code
        for n in range(6)
    ]
    assert guesses == [401] * 5 + [429]
    right = web.post("/moderate/login", data={"csrf_token": token, "token": TOKEN})
    assert right.status_code == 429 and "Sign in" in right.text
    bearer = web.post("/api/submissions/x/verify", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 429


def test_the_form_asks_when_each_fix_applies_why_this_order_and_what_confirms_the_cause(
    web: TestClient,
) -> None:
    token = csrf(web)
    data = form_data(
        token,
        root_cause="",
        fix_applies_when=["the pool never shuts down at exit"],
        preference_reason="the first fix needs no redesign",
        distinguish="workers alive after main returns -> shutdown",
    )
    answer = web.post("/submit", data=data)
    assert answer.status_code == 422
    assert 'name="fix_applies_when" value="the pool never shuts down at exit"' in answer.text
    assert ">the first fix needs no redesign</textarea>" in answer.text
    assert 'value="workers alive after main returns -&gt; shutdown"' in answer.text
