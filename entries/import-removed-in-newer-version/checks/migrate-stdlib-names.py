"""A moved name fails on the Python that removed it; the snippet's replacements run there and
behave as the removed functions did on this Python, which still has them."""

import collections.abc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from errata_check import SNIPPET_FILE, load_snippet, record

# The modules Python 3.12 and 3.13 removed, made unimportable as they are there.
NEWER_PYTHON = """import sys
REMOVED = {"imp", "distutils", "asyncore", "asynchat", "smtpd", "cgi", "cgitb", "pipes",
           "telnetlib", "crypt", "nntplib", "uu", "xdrlib", "mailcap", "imghdr", "sndhdr"}
class Removed:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in REMOVED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Removed())
"""
FIXED_APP = """import json, newer_python, compat
plugin = compat.load_source("plugin", "plugin.py")
print(json.dumps({"plugin": plugin.NAME, "yes": compat.strtobool(" Yes "), "off": compat.strtobool("off"),
    "quoted": compat.quote("a b'c"), "header": compat.parse_header('text/html; charset="utf-8"'),
    "which": compat.find_executable("python3") is not None}))
"""


def run(folder: Path, source: str) -> subprocess.CompletedProcess:
    (folder / "app.py").write_text(source, encoding="utf-8")
    env = {"PYTHONPATH": str(folder), "PATH": os.environ.get("PATH", "/usr/bin")}
    return subprocess.run([sys.executable, "app.py"], cwd=folder, env=env, capture_output=True, text=True, timeout=30)


try:
    from collections import Mapping  # noqa: F401  (the code written before Python 3.10)
    wrong_mapping = "imported"
except ImportError as error:
    wrong_mapping = str(error)
assert "cannot import name 'Mapping' from 'collections'" in wrong_mapping, wrong_mapping
ns = load_snippet()
assert ns["Mapping"] is collections.abc.Mapping and isinstance({}, ns["Mapping"])
assert isinstance([], ns["Sequence"]) and not isinstance({}, ns["Sequence"])

folder = Path(tempfile.mkdtemp())
(folder / "newer_python.py").write_text(NEWER_PYTHON, encoding="utf-8")
(folder / "plugin.py").write_text("NAME = 'plugin loaded'\n", encoding="utf-8")
shutil.copy(SNIPPET_FILE, folder / "compat.py")
wrong = {}
for module in ("imp", "distutils.util", "asyncore", "cgi", "pipes", "telnetlib"):
    old = run(folder, f"import newer_python\nimport {module}\n")
    missing = f"ModuleNotFoundError: No module named '{module.partition('.')[0]}'"
    assert old.returncode != 0 and missing in old.stderr, old.stderr
    wrong[module] = old.stderr.strip().splitlines()[-1]
fixed = run(folder, FIXED_APP)
assert fixed.returncode == 0, fixed.stderr
result = json.loads(fixed.stdout)
assert result == {"plugin": "plugin loaded", "yes": True, "off": False, "quoted": "'a b'\"'\"'c'",
                  "header": ["text/html", {"charset": "utf-8"}], "which": True}, result

with warnings.catch_warnings():  # this Python still has them, deprecated: same answers
    warnings.simplefilter("ignore", DeprecationWarning)
    import cgi
    import imp
    import pipes
headers = ["text/html; charset=utf-8", 'form-data; name="file"; filename="a b.txt"', "text/plain",
           'application/json; charset="UTF-8"; q=0.5']
assert all(ns["parse_header"](h) == cgi.parse_header(h) for h in headers)
assert all(ns["quote"](s) == pipes.quote(s) for s in ["plain", "a b", "it's", "", "$HOME; rm"])
old_plugin = imp.load_source("old_plugin", str(folder / "plugin.py"))
assert ns["load_source"]("new_plugin", str(folder / "plugin.py")).NAME == old_plugin.NAME
try:
    ns["strtobool"]("maybe")
    raise AssertionError("strtobool accepted 'maybe'")
except ValueError:
    pass
record(wrong_mapping=wrong_mapping, wrong_on_newer_python=wrong, fixed=result)
