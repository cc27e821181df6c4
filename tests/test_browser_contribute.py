"""The contribution loop in headless Chromium against a real `errata serve` and sandbox: from a
search that found nothing to the form, "Run in sandbox" (with and without JavaScript), and a
maintainer's edit, approval and the new entry. Screenshots at 1280 and 390 px wide go to
`test-artifacts/screenshots/`.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from .test_browser import CHECK, CODE, SHOTS, TOKEN, browser, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]

UNKNOWN_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/ring.py", line 42, in rebalance\n'
    "GlimmerPanic: shard 7 of ring lost quorum & will not rejoin"
)
FAILING_CHECK = CHECK.replace("== 40000", "== 40001")
WIDTHS = (1280, 390)


def shots(page: Any, name: str) -> None:
    """Full-page screenshots of the page at each width (the viewport is put back after); at
    each, nothing may make the page scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"contribute-{name}-{width}.png"), full_page=True)
        scrolled = int(page.evaluate("document.documentElement.scrollWidth"))
        assert scrolled <= width, f"{name} is {scrolled} px wide at {width} px"
    page.set_viewport_size(before)


def console_errors(page: Any) -> list[str]:
    """Collect the page's script errors, CSP refusals and failed requests (but the favicon's)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return errors


def fill_fix(page: Any, check: str) -> None:
    """Fill the first fix's code and check."""
    page.fill("textarea[name=fix_code]", CODE)
    page.fill("textarea[name=fix_check]", check)


def test_a_search_that_finds_nothing_leads_to_the_form_with_the_trace(
    browser: Any,  # noqa: F811
    server: str,  # noqa: F811
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = console_errors(page)
    page.goto(f"{server}/")
    page.fill("#q", UNKNOWN_TRACE)
    page.click("form.search button[type=submit]")
    page.wait_for_selector("#no-match")
    shots(page, "1-no-match")
    page.click("#contribute-this-error")
    page.wait_for_selector("#symptoms")
    assert page.input_value("#symptom-0") == UNKNOWN_TRACE
    assert page.locator("a.example-check").count() == 1
    shots(page, "2-form-from-no-match")
    page.click("a.example-check")
    page.wait_for_selector("h1")
    assert "errata_check" in page.inner_text("main")
    shots(page, "3-example-check")
    assert errors == [], errors
    page.close()


def test_run_in_sandbox_shows_a_pass_and_a_failure_beside_the_check(
    browser: Any,  # noqa: F811
    server: str,  # noqa: F811
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = console_errors(page)
    page.goto(f"{server}/submit")
    page.select_option("select[name=fix_language]", "javascript")
    page.click("button[data-template]")
    assert page.input_value("textarea[name=fix_check]").startswith('import assert from "node:')
    page.fill("textarea[name=fix_check]", "")
    page.select_option("select[name=fix_language]", "python")
    page.click("button[data-template]")
    assert page.input_value("textarea[name=fix_check]").startswith("from errata_check import")
    fill_fix(page, CHECK)
    page.click("button[data-trial-run]")
    page.wait_for_selector(".trial-result .trial-pass", timeout=120_000)
    assert "Passed" in page.inner_text(".trial-result")
    page.locator(".trial-result").scroll_into_view_if_needed()
    shots(page, "4-run-in-sandbox-passed")
    page.fill("textarea[name=fix_check]", FAILING_CHECK)
    page.click("button[data-trial-run]")
    page.wait_for_selector(".trial-result .trial-fail", timeout=120_000)
    result = page.inner_text(".trial-result")
    assert "Failed" in result and "40000" in result, result
    shots(page, "5-run-in-sandbox-failed")
    assert errors == [], errors
    page.close()


def test_run_in_sandbox_works_without_javascript(browser: Any, server: str) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/submit")
    page.fill("#title", "Kept across the round trip")
    fill_fix(page, CHECK)
    page.click("button[data-trial-run]")
    deadline = time.monotonic() + 120
    while not page.locator(".trial-result .trial-pass").count():
        assert time.monotonic() < deadline, page.inner_text(".trial-result")
        assert page.locator(".trial-result .trial-fail").count() == 0, page.inner_text("main")
        page.click(".trial-result button[value=trial-refresh]")
        page.wait_for_load_state()
    assert page.input_value("#title") == "Kept across the round trip"
    assert page.input_value("textarea[name=fix_code]").strip() == CODE.strip()
    shots(page, "6-run-in-sandbox-no-javascript")
    context.close()


def _wait_for_verdict(page: Any, deadline_s: float = 120) -> str:
    deadline = time.monotonic() + deadline_s
    while (status := page.inner_text("#status").strip().lower()) in ("pending", "verifying"):
        assert time.monotonic() < deadline, "the submission was not verified in time"
        page.wait_for_timeout(500)
        page.reload()
    return status


def test_a_maintainer_edits_the_title_approves_and_opens_the_new_entry(
    browser: Any,  # noqa: F811
    server: str,  # noqa: F811
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/submit")
    page.fill("#title", "Counter loses incremnts")
    page.fill("#entry_id", "counter-loses-increments-edited")
    page.fill("#symptom-0", "four threads add 10000 each and the counter ends below 40000")
    page.fill("#root_cause", "`counter += 1` is a read-modify-write that threads interleave.")
    fill_fix(page, CHECK)
    page.fill("#source", "own experience")
    page.click("#submit-entry")
    page.wait_for_url("**/submissions/sub-*")
    submission_id = page.url.rsplit("/", 1)[1]
    assert _wait_for_verdict(page) == "verified", page.inner_text("main")

    page.goto(f"{server}/moderate")
    page.fill("#token", TOKEN)
    page.click("form.login button")
    card = f"#queue-{submission_id}"
    page.wait_for_selector(card)
    page.click(f"#edit-{submission_id} summary")
    page.fill(f"#edit-{submission_id}-title", "Counter loses increments under threads (edited)")
    shots(page, "7-moderate-edit")
    page.click(f"#edit-{submission_id} button[type=submit]")
    page.wait_for_selector("#done")
    assert "(edited)" in page.inner_text(f"{card} h2")
    assert "title" in page.inner_text(f"{card} .history")
    page.click(f"{card} form[action$='/approve'] button")
    page.wait_for_selector("#new-entry")
    shots(page, "8-moderate-approved")
    page.click("#new-entry")
    page.wait_for_selector("h1")
    assert page.url.endswith("/entries/counter-loses-increments-edited")
    assert "Counter loses increments under threads (edited)" in page.inner_text("h1")
    shots(page, "9-new-entry")
    page.close()
