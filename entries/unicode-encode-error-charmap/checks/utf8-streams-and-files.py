"""A cp1252 stream fails on emoji (print and logging); the reconfigured stream does not."""

import io
import logging
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

reply = "Done \U0001f680 \u2192 next step: \u4f60\u597d"


def windows_console() -> tuple[io.BytesIO, io.TextIOWrapper]:
    raw = io.BytesIO()
    return raw, io.TextIOWrapper(raw, encoding="cp1252", errors="strict", write_through=True)


raw, console = windows_console()
try:
    print(reply, file=console)
    wrong = ""
except UnicodeEncodeError as exc:
    wrong = str(exc)
assert wrong.startswith("'charmap' codec can't encode character '\\U0001f680'"), wrong

errors = io.StringIO()
raw2, console2 = windows_console()
logger = logging.getLogger("wrong")
logger.addHandler(logging.StreamHandler(console2))
import sys  # noqa: E402

saved, sys.stderr = sys.stderr, errors  # logging reports handler errors on stderr
logger.error(reply)
sys.stderr = saved
assert "--- Logging error ---" in errors.getvalue() and "UnicodeEncodeError" in errors.getvalue()

ns = load_snippet()
raw3, console3 = windows_console()
ns["use_utf8_output"](console3)
print(reply, file=console3)
fixed_logger = logging.getLogger("fixed")
fixed_logger.addHandler(logging.StreamHandler(console3))
fixed_logger.error(reply)
console3.flush()
assert raw3.getvalue().decode("utf-8") == reply + "\n" + reply + "\n"
path = Path(tempfile.mkdtemp()) / "agent.log"
file_log = ns["file_logger"]("agent", str(path))
file_log.info(reply)
for handler in file_log.handlers:
    handler.close()
assert path.read_bytes().decode("utf-8") == f"INFO {reply}\n"
record(wrong_errors=2, fixed_lines_written=3)
