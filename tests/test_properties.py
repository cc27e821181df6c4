"""Property tests: the trace normalizer and the Markdown sanitizer hold for any input.

(The entry parser has its own in `tests/test_entry_properties.py`.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from errata.search.normalize import normalize
from errata.web.render import markdown, sanitize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of traces and of attacks, mixed with arbitrary text so Hypothesis explores both.
_TRACE_PARTS = [
    "Traceback (most recent call last):\n",
    '  File "/srv/app/x.py", line 12, in run\n',
    "    await asyncio.sleep(1)\n",
    "RuntimeError: Event loop is closed\n",
    "During handling of the above exception, another exception occurred:\n",
    "panic: runtime error: index out of range [3] with length 3\n",
    "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d\n",
    "    at Object.<anonymous> (/app/index.js:3:9)\n",
    "Caused by: java.io.IOException: Broken pipe\n",
    "thread 'main' panicked at src/main.rs:2:5:\n",
    "  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)\n",
    "2024-05-01T12:00:00Z ERROR [worker-3] db - deadlock detected\n",
    "\x00",
    "\r\n",
    "\t",
    "é漢字🙂",
]
_ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[c](java\tscript:alert(1))",
    "[c](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    '<svg onload="alert(1)">',
    "<iframe src=//evil>",
    "<style>*{}</style>",
    '<div style="x" onclick="y">',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    "<javascript:alert(1)>",
    "`<script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script> | [x](javascript:1) |",
    "*",
    "> ",
    "\n\n",
]


def _mix(parts: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(parts), st.text(max_size=40)), max_size=12).map(
        "".join
    )


@FAST
@given(_mix(_TRACE_PARTS))
def test_normalize_never_crashes_and_gives_the_same_answer_twice(text: str) -> None:
    first, second = normalize(text), normalize(text)
    assert first == second
    assert len(first.text) <= 8_000
    assert all(isinstance(token, str) and token for token in first.tokens)
    assert set(first.focus_tokens) <= set(first.tokens) | {""}


@FAST
@given(st.text(max_size=2_000))
def test_normalize_accepts_any_text_at_all(text: str) -> None:
    assert normalize(text).kind


_NOISY_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "{path}/worker.py", line {line}, in handle\n'
    "    lock.acquire()\n"
    "TimeoutError: worker {worker} waited {ms} ms for lock at {addr}\n"
)


@FAST
@given(
    path=st.sampled_from(["/srv/app", "/home/ann/proj", "C:\\Users\\bob\\code", "/tmp/x-91f2"]),
    line=st.integers(1, 99_999),
    worker=st.integers(0, 10_000),
    ms=st.integers(0, 10**9),
    addr=st.integers(0, 2**48).map(hex),
)
def test_paths_line_numbers_ids_and_addresses_do_not_change_the_fingerprints(
    path: str, line: int, worker: int, ms: int, addr: str
) -> None:
    reference = normalize(
        _NOISY_TRACE.format(path="/a", line=1, worker=1, ms=5, addr="0x7f00deadbeef")
    )
    noisy = normalize(_NOISY_TRACE.format(path=path, line=line, worker=worker, ms=ms, addr=addr))
    assert noisy.fingerprints == reference.fingerprints
    assert noisy.exception_types == reference.exception_types == ["TimeoutError"]


class _Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _scheme(url: str) -> str:
    """The scheme a browser would read (WHATWG URL: controls and spaces trimmed, tabs and
    newlines dropped); empty for a relative URL such as `<javascript:...`."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(_C0_AND_SPACE))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def _unsafe(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    problems = []
    for tag, attrs in parser.tags:
        if tag in ("script", "style", "iframe", "object", "embed", "svg", "img", "form"):
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "src", "srcset"):
                problems.append(f"{tag}[{name}]")
            if name == "href" and _scheme(value or "") not in ("", "http", "https", "mailto"):
                problems.append(f"href={value!r}")
    return problems


@FAST
@given(_mix(_ATTACKS))
def test_rendered_markdown_never_has_script_event_handlers_or_unsafe_urls(text: str) -> None:
    html = str(markdown(text))
    assert _unsafe(html) == [], html


@FAST
@given(_mix([*_ATTACKS, "<a href=", "<p ", ">", '"', "'", "<", "</"]))
def test_the_sanitizer_cleans_any_html_it_is_given(html: str) -> None:
    cleaned = sanitize(html)
    assert _unsafe(cleaned) == [], cleaned
    assert sanitize(cleaned) == cleaned  # cleaning twice changes nothing
