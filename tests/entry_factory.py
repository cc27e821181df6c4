"""Write small, valid entry folders for tests, to be broken on purpose."""

from __future__ import annotations

from pathlib import Path

ENTRY_TOML = '''id = "{id}"
title = "Widget pool runs dry under load"
tags = ["pool"]
languages = ["python"]
symptoms = [
    "WidgetPoolError: no widget available after 30s",
    "requests stall while CPU stays idle",
    "widget pool size grows to its limit and stays there",
]
root_cause = """Widgets are taken from the pool and never given back on the error path."""
source = "direct experience"

[[tables]]
title = "Pool sizes"
columns = ["Size", "Use"]
rows = [["5", "default"], ["50", "bursty loads"]]

[[fixes]]
id = "return-widgets"
title = "Give widgets back in a finally block"
explanation = """Use try/finally so the widget returns even when the work raises."""

[[fixes.snippets]]
id = "return-widgets"
file = "return_widgets.py"
check = "checks/return_widgets.py"
'''

SNIPPET = """def work(pool):
    widget = pool.take()
    try:
        return widget.use()
    finally:
        pool.give(widget)
"""

CHECK = """from errata_check import load_snippet

ns = load_snippet()
assert "work" in ns
"""


def write_entry_folder(root: Path, entry_id: str = "widget-pool-runs-dry") -> Path:
    """Write a valid entry folder under root and return it."""
    folder = root / entry_id
    (folder / "checks").mkdir(parents=True)
    (folder / "entry.toml").write_text(ENTRY_TOML.format(id=entry_id), encoding="utf-8")
    (folder / "return_widgets.py").write_text(SNIPPET, encoding="utf-8")
    (folder / "checks" / "return_widgets.py").write_text(CHECK, encoding="utf-8")
    return folder
