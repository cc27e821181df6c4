"""Rendering contributed text: sanitized Markdown (property-tested), code, charts."""

from __future__ import annotations

from errata.web.render import figure_view, highlight, markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_web import assert_inert

PIECES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>", "<svg onload=alert(1)>", "<iframe src=x>",
    "[b](JaVaScRiPt:alert(1))", "<style>*{}</style>", "**bold**", "`code`", "\n\n", "> quote",
    "| a | b |\n|---|---|\n| 1 | 2 |", "<a href=\"http://ok.example\">ok</a>", "&lt;", "\"'",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=12))
def test_rendered_markdown_never_carries_script_handlers_or_javascript_links(
    parts: list[str],
) -> None:
    html = str(markdown("".join(parts)))
    assert_inert(html)
    assert "<style" not in html.lower() and "<iframe" not in html.lower()


def test_markdown_keeps_ordinary_formatting_and_safe_links() -> None:
    html = str(markdown("**bold** and [docs](https://example.org) and `x < y`"))
    assert "<strong>bold</strong>" in html and "<code>x &lt; y</code>" in html
    assert 'href="https://example.org"' in html and "noopener" in html


def test_code_is_highlighted_with_classes_not_inline_styles() -> None:
    html = str(highlight("def f():\n    return '<script>'\n"))
    assert 'class="highlight"' in html and "style=" not in html
    assert "&lt;script&gt;" in html


def test_timings_of_one_family_become_one_chart_wrong_first() -> None:
    charts, rest = figure_view({"right_ms": 50.0, "wrong_ms": 500.0, "speedup": 10.0, "runs": 3})
    assert [title for title, _ in charts] == ["elapsed time"]
    svg = str(charts[0][1])
    assert svg.index(">wrong<") < svg.index(">right<") and "chart-bar-bad" in svg
    assert rest == [("speedup", "10"), ("runs", "3")]
