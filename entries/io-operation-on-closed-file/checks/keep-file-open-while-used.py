"""A reader returned from inside `with` and a log handler bound to a closed stream both raise
'I/O operation on closed file'; the fixed helpers read every row and log after a redirect."""

import contextlib
import io
import logging
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

path = Path(tempfile.mkdtemp()) / "data.csv"
path.write_text("id,name\n1,ada\n2,lin\n", encoding="utf-8")


def naive_rows(p):
    import csv

    with open(p, newline="", encoding="utf-8") as f:
        return csv.reader(f)


try:
    list(naive_rows(path))
    raise AssertionError("the closed reader was read")
except ValueError as error:
    naive_error = str(error)
assert naive_error == "I/O operation on closed file.", naive_error

captured = io.StringIO()
logging.raiseExceptions = True
stderr = io.StringIO()
with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(stderr):
    stale = logging.StreamHandler(sys.stdout)  # bound to `captured`
captured.close()  # the capture ends, as pytest's does
log = logging.getLogger("naive")
log.addHandler(stale)
log.propagate = False
with contextlib.redirect_stderr(stderr):
    log.warning("after capture")
assert "--- Logging error ---" in stderr.getvalue() and "I/O operation on closed file" in stderr.getvalue()

ns = load_snippet()
assert ns["read_rows"](path) == [["id", "name"], ["1", "ada"], ["2", "lin"]]
assert [row[1] for row in ns["iter_rows"](path)] == ["name", "ada", "lin"]
out1, out2 = io.StringIO(), io.StringIO()
handler = ns["CurrentStdoutHandler"]()
good = logging.getLogger("fixed")
good.addHandler(handler)
good.propagate = False
with contextlib.redirect_stdout(out1):
    good.warning("first")
out1.close()
with contextlib.redirect_stdout(out2):
    good.warning("second")
assert out2.getvalue() == "second\n", out2.getvalue()
record(naive_error=naive_error, stale_handler_logging_error=True, rows=3)
