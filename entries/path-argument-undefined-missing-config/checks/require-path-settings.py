"""An unset DATA_DIR reaches os.path.join and open as None; the snippet names every missing
variable at startup and resolves relative values against the given folder."""

import os
from pathlib import Path

from errata_check import load_snippet, record

env = {"HOME": "/home/app"}  # DATA_DIR and PROMPT_FILE never set
for call in (lambda: os.path.join(env.get("DATA_DIR"), "uploads"), lambda: open(env.get("PROMPT_FILE"))):  # noqa: SIM115
    try:
        call()
    except TypeError as error:
        assert str(error) == "expected str, bytes or os.PathLike object, not NoneType", error
    else:
        raise AssertionError("a None path was accepted")
defaults = {"output_dir": "out"}
assert {**defaults, **{"output_dir": env.get("OUTPUT_DIR")}}["output_dir"] is None

ns = load_snippet()
spec = {"data": ("DATA_DIR", None), "prompt": ("PROMPT_FILE", None), "cache": ("CACHE_DIR", ".cache")}
try:
    ns["load_path_settings"](spec, env, Path("/srv/app"))
except ns["ConfigError"] as error:
    assert "missing path settings: DATA_DIR (data), PROMPT_FILE (prompt)" in str(error), error
else:
    raise AssertionError("missing settings were not reported")
paths = ns["load_path_settings"](spec, {"DATA_DIR": "data", "PROMPT_FILE": "/etc/app/prompt.md", "CACHE_DIR": ""}, Path("/srv/app"))
assert paths == {"data": Path("/srv/app/data"), "prompt": Path("/etc/app/prompt.md"), "cache": Path("/srv/app/.cache")}
assert ns["merge_set"](defaults, {"output_dir": None})["output_dir"] == "out"
assert ns["merge_set"](defaults, {"output_dir": "build"})["output_dir"] == "build"
record(missing_reported=2)
