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
    html = pygments_highlight(code, lexer, _formatter)
    # A long line scrolls the block sideways: keyboard users reach it with Tab (WCAG 2.1.1).
    return Markup(html.replace("<pre>", '<pre tabindex="0">', 1))


def code_css() -> str:
    """The stylesheet for highlighted code."""
    return str(_formatter.get_style_defs(".highlight"))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _groups(figures: dict[str, Any]) -> dict[str, list[tuple[str, float]]]:
    """Timings that compare like with like: `wrong_ms` and `right_ms` share the group "ms"."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for key, raw in figures.items():
        value = _number(raw)
        if value is None or value < 0 or "_ms" not in key or "_" not in key:
            continue
        label, _, group = key.partition("_")
        if group.endswith("ms") or "_ms_" in key:
            groups.setdefault(group, []).append((label, value))
    order = {"wrong": 0, "before": 0, "right": 1, "after": 1}
    return {
        name: sorted(bars, key=lambda bar: order.get(bar[0], 2))
        for name, bars in groups.items()
        if len(bars) >= 2
    }


def _fmt(value: float) -> str:
    return f"{value:,.1f}" if value >= 10 else f"{value:.3g}"


def _bar_class(label: str) -> str:
    if label in ("wrong", "before"):
        return "chart-bar-bad"
    return "chart-bar-good" if label in ("right", "after") else "chart-bar-other"


def timing_chart(bars: list[tuple[str, float]], unit: str = "ms") -> Markup:
    """Horizontal SVG bars, drawn on the server with presentation attributes only (strict CSP)."""
    top = max(value for _, value in bars) or 1.0
    width, bar_height, label_width = 420, 22, 90
    rows = []
    for i, (label, value) in enumerate(bars):
        y = 4 + i * (bar_height + 6)
        length = max(2.0, (width - label_width - 90) * value / top)
        rows.append(
            f'<text x="0" y="{y + 15}" class="chart-label">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'class="chart-bar {_bar_class(label)}">'
            f"<title>{escape(label)}: {value:g} {unit}</title></rect>"
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" class="chart-value">'
            f"{_fmt(value)} {unit}</text>"
        )
    height = 8 + len(bars) * (bar_height + 6)
    caption = ", ".join(f"{label} {_fmt(value)} {unit}" for label, value in bars)
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" aria-label="{escape(caption)}">'
        + "".join(rows)
        + "</svg>"
    )


def figure_view(figures: dict[str, Any]) -> tuple[list[tuple[str, Markup]], list[tuple[str, str]]]:
    """Charts of comparable timings (title, SVG), and every other figure as (name, text)."""
    groups = _groups(figures)
    charts = [
        ("elapsed time" if name == "ms" else name.replace("_", " "), timing_chart(bars))
        for name, bars in sorted(groups.items(), key=lambda item: len(item[0]))
    ]
    charted = {f"{label}_{name}" for name, bars in groups.items() for label, _ in bars}
    rest = []
    for key, value in figures.items():
        if key in charted:
            continue
        number = _number(value)
        text = f"{number:,.2f}".rstrip("0").rstrip(".") if number is not None else str(value)
        rest.append((key, text))
    return charts, rest
