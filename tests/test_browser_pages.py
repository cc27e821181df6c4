"""The reading pages in headless Chromium: the answer first, the entry page, browsing, the
"did this fix work?" control, and axe-core's accessibility rules on every page the server has.

axe-core (npm, pinned in tools/package.json, installed by `make tools`) is injected into each
page and run with the WCAG 2.x A/AA rules and its best practices (labels, contrast, heading
order, landmarks...): https://github.com/dequelabs/axe-core/blob/develop/doc/API.md
"""

from __future__ import annotations

import json
import re
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from errata.config import REPO_ROOT

from .test_browser import SEED, SEED_TRACE, SHOTS, TOKEN, _require, browser, server
from .test_moderation import valid

__all__ = ["browser", "server"]  # the fixtures, shared with the contribution flow's tests
pytestmark = [pytest.mark.browser, pytest.mark.sandbox, pytest.mark.slow]

AXE = REPO_ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
POOL_TRACE = "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached"
UNKNOWN_TRACE = "GlimmerPanic: shard 7 of ring lost quorum while rebalancing"
WIDTHS = (1280, 390)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _search_url(server: str, query: str) -> str:
    return f"{server}/?" + urllib.parse.urlencode({"q": query})


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    """A tab at 1280x900 that may read and write the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    opened = context.new_page()
    yield opened
    context.close()


def test_the_seed_traces_answer_shows_the_recommended_fixs_code_without_a_click(
    tab: Any, server: str
) -> None:
    query = urllib.parse.urlencode({"q": SEED_TRACE, "detail": "brief"})
    fix = _get_json(f"{server}/api/search?{query}")["answer"]["recommended_fix"]
    tab.goto(_search_url(server, SEED_TRACE))
    code = tab.locator("#recommended-fix pre")
    assert code.is_visible() and code.inner_text().strip() == fix["code"].strip()
    assert fix["title"] in tab.inner_text("#recommended-heading")
    assert tab.inner_text("#verification-line").endswith(fix["verification"])
    why = tab.inner_text("#answer .why")
    assert "shared terms" not in why and "listed symptom" in why
    tab.click("#recommended-fix button[data-copy]")
    tab.wait_for_selector("#recommended-fix button[data-copied=yes]")
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == fix["code"].strip()


def test_the_first_fix_heading_is_in_the_first_screen_of_the_seed_page(
    tab: Any, server: str
) -> None:
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.goto(f"{server}/entries/{SEED}")
    heading = tab.locator("section.fix h3").first
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, box
    preference = _get_json(f"{server}/api/entries/{SEED}")["preference"]
    assert tab.get_attribute("section.fix >> nth=0", "id") == f"fix-{preference[0]}"
    assert tab.locator("section.fix").first.locator("pre").first.is_visible()


def _listed(page: Any, url: str) -> set[str]:
    """Every entry id the list shows, following its Next links."""
    ids: set[str] = set()
    while url:
        page.goto(url)
        ids |= {str(e.get_attribute("data-entry")) for e in page.locator("li.entry-item").all()}
        after = page.locator("a[rel=next]")
        url = str(after.get_attribute("href")) if after.count() else ""
        url = urllib.parse.urljoin(page.url, url) if url else ""
    return ids


def test_the_asyncio_tag_lists_exactly_the_entries_tagged_asyncio_on_disk(
    tab: Any, server: str
) -> None:
    on_disk = set()
    for toml in (REPO_ROOT / "entries").glob("*/entry.toml"):
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        if "asyncio" in data.get("tags", []):
            on_disk.add(data["id"])
    assert len(on_disk) >= 3
    assert _listed(tab, f"{server}/entries?tag=asyncio") == on_disk
    tab.goto(f"{server}/entries/{SEED}")
    tab.click("a.tag[href='/tags/asyncio']")  # tags are links to their pages
    tab.wait_for_url("**/tags/asyncio")
    assert _listed(tab, tab.url) == on_disk


def test_did_this_fix_work_records_an_outcome_that_the_api_reads_back(
    tab: Any, server: str
) -> None:
    before = _get_json(f"{server}/api/entries/{SEED}")["fixes"]
    fix = before[1]
    tab.goto(f"{server}/entries/{SEED}")
    form = tab.locator(f"#fix-{fix['id']} form.outcome-form")
    form.get_by_role("button", name="Yes", exact=True).click()
    tab.wait_for_selector(f"#reported-{fix['id']}")
    after = {f["id"]: f for f in _get_json(f"{server}/api/entries/{SEED}")["fixes"]}
    worked = after[fix["id"]]["outcomes"].get("worked", 0)
    assert worked == fix["outcomes"].get("worked", 0) + 1


def _submission(server: str) -> str:
    """A submission made over REST (its page is one of the pages checked)."""
    body = json.dumps(valid(title="Executor threads keep the process alive at exit")).encode()
    request = urllib.request.Request(
        f"{server}/api/submissions", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["status_url"])


def _check_example(server: str) -> str:
    """The curated check the form links to as its example."""
    with urllib.request.urlopen(f"{server}/submit", timeout=30) as response:
        html = response.read().decode("utf-8")
    found = re.search(r'href="(/entries/[\w-]+/checks/[\w.-]+)"', html)
    assert found, "the form links to a real example check"
    return found.group(1)


def _trial(server: str) -> str:
    """The page of a "Run in sandbox" trial (queued or finished: both are a page to check)."""
    body = json.dumps({"title": "t", "code": "print('ok')\n", "language": "python"}).encode()
    request = urllib.request.Request(
        f"{server}/api/trials", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return f"/trials/{json.load(response)['id']}"


def _pages(server: str) -> dict[str, str]:
    """Every page the server has, by name."""
    return {
        "home": "/",
        "search-hit": "/?" + urllib.parse.urlencode({"q": SEED_TRACE}),
        "search-differential": "/?" + urllib.parse.urlencode({"q": POOL_TRACE}),
        "search-no-match": "/?" + urllib.parse.urlencode({"q": UNKNOWN_TRACE}),
        "entry": f"/entries/{SEED}",
        "entries": "/entries",
        "tag": "/tags/asyncio",
        "submit": "/submit",
        "submission": _submission(server),
        "submit-prefilled": "/submit?" + urllib.parse.urlencode({"symptom": UNKNOWN_TRACE}),
        "check-example": _check_example(server),
        "trial": _trial(server),
        "login": "/moderate",
        "mcp": "/mcp",
        "error-404": "/entries/no-such-entry",
        "error-400": "/entries?sort=sideways",
    }


MAINTAINER_PAGES = {"moderate": "/moderate", "gaps": "/moderate/gaps"}
MAINTAINER_PAGES["outcomes"] = "/moderate/outcomes"


def _axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, every <details> opened first."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def _summary(name: str, violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{name}: {v['id']} ({v['impact']}) {v['help']}: "
        + "; ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    ]


def _check_pages(browser: Any, server: str, pages: dict[str, str], sign_in: bool) -> list[str]:
    problems: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        if sign_in:
            tab.goto(f"{server}/moderate")
            tab.fill("#token", TOKEN)
            tab.click("form.login button")
            tab.wait_for_selector("form.logout")
        for name, path in pages.items():
            tab.goto(f"{server}{path}")
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / f"page-{name}-{width}.png"), full_page=True)
            problems += _summary(f"{name}@{width}", _axe(tab))
        context.close()
    return problems


def test_every_page_passes_axe_core_at_desktop_and_phone_widths(browser: Any, server: str) -> None:
    _require(AXE.is_file(), f"no axe-core at {AXE} (make tools)")
    problems = _check_pages(browser, server, _pages(server), sign_in=False)
    problems += _check_pages(browser, server, MAINTAINER_PAGES, sign_in=True)
    assert not problems, "\n".join(problems)
