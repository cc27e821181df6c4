"""The helper every check imports, inside the sandbox: load the snippet, record figures.

A check is a Python file run as `__main__` in the sandbox's working folder, next to
`snippet.py` (the snippet exactly as published) and this module. It passes when it exits 0.

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
import json
import sys
import types
from pathlib import Path
from typing import Any

SNIPPET_FILE = "snippet.py"
FIGURES_MARKER = "@@errata-figures@@ "
LATENCY_SCALE = 100.0

_figures: dict[str, Any] = {}


class FixtureError(ValueError):
    """A check offered a fixture that would hide a defect of the snippet."""


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
    source = Path(path).read_text(encoding="utf-8")
    code = compile(source, path, "exec", dont_inherit=True)
    module = types.ModuleType(module_name)
    module.__file__ = path
    module.__dict__.update(fixtures)
    sys.modules[module_name] = module
    exec(code, module.__dict__)
    return module.__dict__


def record(**figures: Any) -> None:
    """Record measured figures (JSON values) for the verification record."""
    json.dumps(figures)  # fail here, in the check, if a figure cannot be recorded
    _figures.update(figures)
    sys.stdout.write(FIGURES_MARKER + json.dumps(_figures, sort_keys=True) + "\n")
    sys.stdout.flush()


def parse_figures(stdout: str) -> dict[str, Any]:
    """The last figures a check recorded, read back from its output by the harness."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(FIGURES_MARKER):
            try:
                value = json.loads(line[len(FIGURES_MARKER) :])
            except json.JSONDecodeError:
                return {}
            return value if isinstance(value, dict) else {}
    return {}
