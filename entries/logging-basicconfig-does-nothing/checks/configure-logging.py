"""basicConfig does nothing once the root logger has a handler (a library's, or the one an early
logging.warning() installed); the fix applies the level, format and file anyway."""

import contextlib
import io
import logging
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

root = logging.getLogger()
app = logging.getLogger("app")
log_file = Path(tempfile.mkdtemp()) / "app.log"


def reset_root() -> None:
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)


# 1. A library imported first configured the root logger; the app's own call is ignored.
library_out, app_out = io.StringIO(), io.StringIO()
logging.basicConfig(stream=library_out)  # what `import some_library` did
logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(message)s", stream=app_out)
app.debug("loading config")
app.warning("slow start")
assert app_out.getvalue() == "", app_out.getvalue()
assert library_out.getvalue() == "WARNING:app:slow start\n", library_out.getvalue()
assert root.level == logging.WARNING

# 2. A log call before basicConfig configured the root logger with the defaults: no file.
reset_root()
early = io.StringIO()
with contextlib.redirect_stderr(early):
    logging.warning("starting")  # runs basicConfig() itself: StreamHandler(stderr), WARNING
    logging.basicConfig(filename=str(log_file), level=logging.INFO)
    logging.info("initializing database")
assert not log_file.exists() and early.getvalue() == "WARNING:root:starting\n", early.getvalue()

# The fix: force=True replaces the handlers that were there and applies level, format and file.
ns = load_snippet()
out = io.StringIO()
handlers = ns["configure_logging"](logging.DEBUG, filename=str(log_file), stream=out)
app.debug("loading config")
assert len(handlers) == 2 and root.level == logging.DEBUG
assert out.getvalue().rstrip().endswith("DEBUG app: loading config"), out.getvalue()
assert log_file.read_text(encoding="utf-8").rstrip().endswith("DEBUG app: loading config")
assert early.getvalue() == "WARNING:root:starting\n"  # the old handler was removed
for handler in list(root.handlers):
    handler.close()

# Without force: keep the library's handler, but give it our level and format.
reset_root()
kept_out = io.StringIO()
logging.basicConfig(stream=kept_out)
kept = ns["configure_keeping_handlers"](logging.DEBUG)
app.debug("cache warm")
assert len(kept) == 1 and kept_out.getvalue().rstrip().endswith("DEBUG app: cache warm")
record(ignored_output=app_out.getvalue(), library_output=library_out.getvalue(), early=early.getvalue(),
       fixed_line=out.getvalue().split(" ", 2)[2].strip())
