"""The helper every check imports, inside the sandbox: load the snippet, record figures.

A check is a Python file run as `__main__` in the sandbox's working folder, next to
`snippet.py` (the snippet exactly as published) and this module. It passes when it runs to
its end: the harness's boot code then sends the verdict and the recorded figures on a channel
of their own (see boot.py); an exit code or a line on stdout decides nothing.

    from errata_check import load_snippet, record, scaled

    async def call_llm(data):            # the reader's application, simulated
        await asyncio.sleep(scaled(5000))  # 5,000 ms in the article, 50 ms here
        ...
    ns = load_snippet({"call_llm": call_llm})
    ...assert the behaviour the entry claims...
    record(wrong_ms=..., right_ms=..., speedup=...)

Fixtures stand in for the reader's own application (`call_llm`, `db`, `fetch_data`...), never for
what the snippet itself should have written: a fixture named like a standard-library module or a
builtin is refused, so a snippet that forgets an import fails as published.

This file runs under the sandbox's interpreter (Debian's /usr/bin/python3): standard library only.
"""

from __future__ import annotations

import builtins
import math
import sys
import types
from typing import Any

SNIPPET_FILE = "snippet.py"
LATENCY_SCALE = 100.0
# Bounds on recorded figures, checked here (in the check) and again by the harness.
MAX_FIGURE_DEPTH = 6
MAX_FIGURE_DIGITS = 30
MAX_FIGURE_TEXT = 2_000
MAX_FIGURE_ITEMS = 1_000

_figures: dict[str, Any] = {}


class FixtureError(ValueError):
    """A check offered a fixture that would hide a defect of the snippet."""


class FigureError(ValueError):
    """A figure is not a small JSON value (too deep, too long, not JSON at all)."""


def scaled(published_ms: float) -> float:
    """Seconds to sleep for a latency the article states in ms, scaled down 100x."""
    return published_ms / 1000.0 / LATENCY_SCALE


def _refuse_hiding_fixtures(fixtures: dict[str, Any]) -> None:
    for name in fixtures:
        if name in sys.stdlib_module_names or hasattr(builtins, name):
            raise FixtureError(
                f"fixture {name!r} would stand in for a module or builtin the snippet must "
                "import or use itself"
            )


def load_snippet(
    fixtures: dict[str, Any] | None = None,
    *,
    path: str = SNIPPET_FILE,
    module_name: str = "snippet",
) -> dict[str, Any]:
    """Execute the snippet as a module with the fixtures as globals; return its namespace.

    Exceptions raised by the snippet (a SyntaxError, a NameError for a missing import...)
    propagate, so the check fails with the snippet's own error.
    """
    fixtures = dict(fixtures or {})
    _refuse_hiding_fixtures(fixtures)
    with open(path, encoding="utf-8") as file:  # not pathlib: ~20 ms more per run
        source = file.read()
    code = compile(source, path, "exec", dont_inherit=True)
    module = types.ModuleType(module_name)
    module.__file__ = path
    module.__dict__.update(fixtures)
    sys.modules[module_name] = module
    exec(code, module.__dict__)
    return module.__dict__


def record(**figures: Any) -> None:
    """Record measured figures (small JSON values) for the verification record.

    They reach the harness only if the check then runs to its end.
    """
    check_figures({**_figures, **figures})  # fail here, in the check, with what is wrong
    _figures.update(figures)


def check_figures(figures: Any) -> None:
    """Raise FigureError unless `figures` is a dict of small, finite JSON values."""
    if not isinstance(figures, dict):
        raise FigureError("figures must be a dict of name -> value")
    budget = [MAX_FIGURE_ITEMS]
    _check_value(figures, 0, budget)


def _check_value(value: Any, depth: int, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise FigureError(f"more than {MAX_FIGURE_ITEMS} figure values")
    if depth > MAX_FIGURE_DEPTH:
        raise FigureError(f"figures nested deeper than {MAX_FIGURE_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_scalar(key, str)
            _check_value(item, depth + 1, budget)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1, budget)
    else:
        _check_scalar(value, (str, int, float, bool, type(None)))


def _check_scalar(value: Any, kinds: Any) -> None:
    if not isinstance(value, kinds):
        raise FigureError(f"a figure of type {type(value).__name__} is not a JSON value")
    if isinstance(value, str) and len(value) > MAX_FIGURE_TEXT:
        raise FigureError(f"a figure text is longer than {MAX_FIGURE_TEXT} characters")
    if isinstance(value, float) and not math.isfinite(value):
        raise FigureError(f"a figure is {value!r}, not a finite number")
    if isinstance(value, int) and abs(value) >= 10**MAX_FIGURE_DIGITS:
        raise FigureError(f"a figure number has more than {MAX_FIGURE_DIGITS} digits")
