"""The whole contribution flow in headless Chromium against a real `errata serve`.

Debian's chromium driven by Playwright (`executable_path`, no Playwright browser download),
a real uvicorn on a free loopback port, a temp data folder, the repository's entries and the
real sandbox. A screenshot of each page goes to `test-artifacts/screenshots/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from errata.config import REPO_ROOT

from .liveserver import run_server
from .web_entries import copy_finished_entries

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
TOKEN = "browser-maintainer-token"
SEED = "agent-holds-lock-too-long"
SEED_TRACE = (  # a lock held across slow work, timed out, as its reader sees it: confident
    "Traceback (most recent call last):\n"
    '  File "/srv/app/workers.py", line 88, in handle\n'
    "    async with acquire_with_timeout(state_lock, 5.0):\n"
    "RuntimeError: Could not acquire lock within 5.0s — possible deadlock\n"
    "10 agent workers running, but throughput is the same as 1: all waiting on one lock held "
    "across a slow LLM call"
)
NEW_SYMPTOM = "shared counter ends lower than expected when four threads increment it"
CODE = """import threading

counter = 0
counter_lock = threading.Lock()


def add(times):
    global counter
    for _ in range(times):
        with counter_lock:
            counter += 1
"""
CHECK = """import threading

from errata_check import load_snippet, record

ns = load_snippet()
threads = [threading.Thread(target=ns["add"], args=(10000,)) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert ns["counter"] == 40000, ns["counter"]
record(increments=ns["counter"], threads=4)
"""


def _require(condition: bool, why: str) -> None:
    """Missing tools fail in CI (CI=true) and skip elsewhere."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} (CI=true: the browser tests must run)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, launched by Playwright."""
    _require(Path(CHROMIUM).is_file(), f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "playwright is not installed (pip install playwright)")
        raise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`errata serve` with the seed entry verified beforehand (so its charts show)."""
    folder = tmp_path_factory.mktemp("browser")
    env = {
        "ERRATA_DATA_DIR": str(folder / "data"),
        "ERRATA_ENTRIES_DIR": str(copy_finished_entries(folder / "entries")),
        "ERRATA_MAINTAINER_TOKEN": TOKEN,
        "ERRATA_SANDBOX": "auto",
    }
    subprocess.run(
        [sys.executable, "-m", "errata.cli", "verify", SEED],
        env={**os.environ, **env}, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with run_server(env, folder / "server.log") as live:
        yield live.url


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _search(page: Any, url: str, text: str) -> str:
    page.goto(f"{url}/")
    page.fill("#q", text)
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#answer, #differential, ol.results li")
    first = page.locator("#answer h2 a, #differential li a, ol.results li a").first
    return str(first.get_attribute("href"))


def _wait_for_verdict(page: Any, deadline_s: float = 120) -> str:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        status = page.inner_text("#status").strip().lower()
        if status not in ("pending", "verifying"):
            return status
        page.wait_for_timeout(1000)
        page.reload()
    raise AssertionError("the submission was not verified in time")


def test_search_submit_verify_approve_and_find_in_a_browser(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    assert _search(page, server, SEED_TRACE) == f"/entries/{SEED}"
    assert "confident match" in page.inner_text("#answer")
    shot(page, "1-search-seed")
    page.click("#answer h2 a")
    page.wait_for_selector("h1")
    assert "Agent Holds Lock Too Long" in page.inner_text("h1")
    assert page.locator("svg.chart").count() >= 1
    shot(page, "2-entry-seed")
    page.locator("figure.figures").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "2b-entry-seed-chart.png"))

    page.goto(f"{server}/submit")
    page.fill("#title", "Counter loses increments under threads")
    page.locator("[name=symptoms]").nth(0).fill(NEW_SYMPTOM)
    page.click("button[data-add=symptom-row]")  # JavaScript adds the row in place
    assert page.locator("[name=symptoms]").count() == 3
    page.locator("[name=symptoms]").nth(2).fill("lost updates on a shared integer")
    page.fill("#root_cause", "`counter += 1` is a read-modify-write; threads interleave it.")
    page.fill("input[name=fix_title]", "Guard the increment with a lock")
    page.fill("textarea[name=fix_explanation]", "Hold a `threading.Lock` only around the update.")
    page.fill("textarea[name=fix_code]", CODE)
    page.fill("textarea[name=fix_check]", CHECK)
    page.fill("#tags", "threads, race-condition")
    page.fill("#environment", "CPython 3.11")
    page.click("#submit-entry")  # the source is missing: the form comes back
    page.wait_for_selector("#error-source")
    assert page.input_value("#title") == "Counter loses increments under threads"
    shot(page, "3-submit-with-error")
    page.fill("#source", "own experience")
    page.click("#submit-entry")
    page.wait_for_url("**/submissions/sub-*")
    submission_id = page.url.rsplit("/", 1)[1]
    assert _wait_for_verdict(page) == "verified", page.inner_text("main")
    shot(page, "4-submission-verified")

    page.goto(f"{server}/moderate")
    page.fill("#token", TOKEN)
    page.click("form.login button")
    page.wait_for_selector(f"#queue-{submission_id}")
    shot(page, "5-moderate")
    page.click(f"#queue-{submission_id} form[action$='/approve'] button")
    page.wait_for_selector("#done")

    href = _search(page, server, NEW_SYMPTOM)
    assert href == "/entries/counter-loses-increments-under-threads"
    shot(page, "6-search-new-entry")
    page.click("#answer h2 a")
    page.wait_for_selector("h1")
    assert "the contributor's check passed" in page.inner_text("p.meta").lower()
    shot(page, "7-entry-new")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()


def test_a_maintainer_starts_an_entry_from_an_unanswered_error(browser: Any, server: str) -> None:
    page = browser.new_page()
    unanswered = (
        "GlimmerPanic: shard 7 of ring /srv/ring7/data lost quorum, key sk-live-Ab12Cd34Ef56"
    )
    _search(page, server, unanswered)
    page.goto(f"{server}/moderate")
    page.fill("#token", TOKEN)
    page.click("form.login button")
    page.wait_for_load_state()
    page.goto(f"{server}/moderate/gaps")
    row = page.locator("tr.gap-row", has_text="GlimmerPanic")
    assert "sk-live" not in page.inner_text("main")
    shot(page, "8-moderate-gaps")
    row.get_by_role("link", name="Start an entry").click()
    page.wait_for_selector("#symptoms")
    first = page.locator("[name=symptoms]").first.input_value()
    assert first.startswith("GlimmerPanic") and "/srv/" not in first
    shot(page, "9-submit-from-gap")
    page.close()
