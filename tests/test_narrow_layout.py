"""Every page fits a 390 px phone screen: nothing makes the page scroll sideways.

Headless Chromium against a real `errata serve` with the repository's entries, two of them
verified first so their charts and figure lists are on the page. Long identifiers in headings,
URLs in prose, wide charts and long figure names must wrap or shrink; only code blocks scroll
(inside their own box).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .liveserver import run_server
from .test_browser import CHROMIUM, FLAGS, _require
from .web_entries import copy_finished_entries

pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
VERIFIED = ("agent-holds-lock-too-long", "port-already-in-use")


@pytest.fixture(scope="module")
def phone() -> Iterator[Any]:
    """A Chromium page the size of a phone screen."""
    _require(Path(CHROMIUM).is_file(), f"no chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser.new_page(viewport=PHONE)
        finally:
            browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """`errata serve` over a copy of the entries, two of them verified (charts, figures)."""
    folder = tmp_path_factory.mktemp("narrow")
    entries = copy_finished_entries(folder / "entries")
    env = {"ERRATA_DATA_DIR": str(folder / "data"), "ERRATA_ENTRIES_DIR": str(entries)}
    subprocess.run(
        [sys.executable, "-m", "errata.cli", "verify", *VERIFIED],
        env={**os.environ, **env}, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with run_server(env, folder / "server.log") as live:
        yield live.url, sorted(p.name for p in entries.iterdir())


def _page_width(page: Any, url: str) -> int:
    page.goto(url)
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_no_page_scrolls_sideways_on_a_390_px_screen(
    phone: Any, site: tuple[str, list[str]]
) -> None:
    url, entry_ids = site
    phone.goto(f"{url}/entries/{VERIFIED[0]}")
    assert phone.locator("svg.chart").count() > 0, "the verified seed shows its charts"
    pages = ["/", "/submit", "/moderate", "/?q=sqlite3.OperationalError%3A+database+is+locked"]
    pages += ["/entries", "/tags/asyncio", "/?q=QueuePool+limit+of+size+5+overflow+10+reached"]
    pages += [f"/entries/{entry_id}" for entry_id in entry_ids]
    too_wide = {
        path: width for path in pages if (width := _page_width(phone, url + path)) > PHONE["width"]
    }
    assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"
