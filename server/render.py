"""Turn entry text into safe HTML: sanitized Markdown, highlighted code, small SVG charts.

Contributed text is untrusted. Markdown is rendered with raw HTML disabled and the result is
cleaned again by nh3 (an allow-list sanitizer): no script, no event handlers, no style, and
links only to http, https and mailto.
"""

from __future__ import annotations

from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_formatter = HtmlFormatter(cssclass="highlight", nowrap=False)


def sanitize(html: str) -> str:
    """Clean HTML down to the allow-list (used on everything Markdown produces)."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def markdown(text: str) -> Markup:
    """Render contributed Markdown to sanitized HTML."""
    return Markup(sanitize(_markdown.render(text or "")))


def highlight(code: str, language: str = "python") -> Markup:
    """Code as highlighted HTML (CSS classes only; the colours live in /static/code.css)."""
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = TextLexer()
    return Markup(pygments_highlight(code, lexer, _formatter))


def code_css() -> str:
    """The stylesheet for highlighted code."""
    return str(_formatter.get_style_defs(".highlight"))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def timing_chart(figures: dict[str, Any]) -> Markup | None:
    """Horizontal SVG bars for the figures measured in milliseconds (`*_ms`), or None.

    Drawn on the server with presentation attributes only, so the strict CSP holds.
    """
    bars = [(k[:-3], v) for k, raw in figures.items() if k.endswith("_ms") and (v := _number(raw))]
    bars = [(label, value) for label, value in bars if value >= 0]
    if not bars:
        return None
    top = max(value for _, value in bars) or 1.0
    width, bar_height, label_width = 420, 22, 110
    rows = []
    for i, (label, value) in enumerate(bars):
        y = 8 + i * (bar_height + 8)
        length = max(2.0, (width - label_width - 90) * value / top)
        rows.append(
            f'<text x="0" y="{y + 15}" class="chart-label">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'class="chart-bar chart-bar-{i % 4}">'
            f"<title>{escape(label)}: {value:g} ms</title></rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" class="chart-value">'
            f"{value:,.1f} ms</text>"
        )
    height = 16 + len(bars) * (bar_height + 8)
    caption = ", ".join(f"{label} {value:,.1f} ms" for label, value in bars)
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" aria-label="{escape(caption)}">'
        + "".join(rows)
        + "</svg>"
    )


def other_figures(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The measured figures that are not timings, as (name, text) pairs."""
    shown = []
    for key, value in figures.items():
        if key.endswith("_ms") and _number(value) is not None:
            continue
        number = _number(value)
        shown.append((key, f"{number:,.2f}".rstrip("0").rstrip(".") if number else str(value)))
    return shown
