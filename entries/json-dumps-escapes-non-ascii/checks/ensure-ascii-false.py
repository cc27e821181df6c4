"""Default json.dumps escapes non-ASCII text; the helper keeps it and round-trips."""

import json
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

result = {"city": "北京", "note": "東京は晴れ", "name": "Zoë Café", "status": "done 🚀"}
escaped = json.dumps(result)
assert "\\u5317\\u4eac" in escaped and "北京" not in escaped and "\\ud83d\\ude80" in escaped

ns = load_snippet()
plain = ns["to_model_json"](result)
assert "北京" in plain and "🚀" in plain and "\\u" not in plain
assert json.loads(plain) == result == json.loads(escaped)
ratio = round(len(escaped) / len(plain), 2)
assert ratio > 1.5, ratio
path = Path(tempfile.mkdtemp()) / "out.json"
ns["write_json"](path, result)
assert json.loads(path.read_bytes().decode("utf-8")) == result
assert "東京" in path.read_text(encoding="utf-8")
record(escaped_chars=len(escaped), plain_chars=len(plain), length_ratio=ratio)
