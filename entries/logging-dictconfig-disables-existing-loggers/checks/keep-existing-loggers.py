"""A module logger created at import goes silent once dictConfig or fileConfig runs with the
default disable_existing_loggers=True (logger.disabled is True, nothing reaches any handler),
while the root logger and loggers created later still print; the fix keeps it logging."""

import contextlib
import io
import logging
import logging.config
import sys
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

work = Path(tempfile.mkdtemp())
(work / "payments.py").write_text(
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    "def charge(amount):\n    logger.info('charged %s', amount)\n    logger.error('card declined')\n",
    encoding="utf-8",
)
(work / "logging.ini").write_text(
    "[loggers]\nkeys=root\n\n[handlers]\nkeys=console\n\n[formatters]\nkeys=plain\n\n"
    "[logger_root]\nlevel=INFO\nhandlers=console\n\n"
    "[handler_console]\nclass=StreamHandler\nformatter=plain\nargs=(sys.stderr,)\n\n"
    "[formatter_plain]\nformat=%(levelname)s %(name)s: %(message)s\n",
    encoding="utf-8",
)
sys.path.insert(0, str(work))
import payments  # noqa: E402  # creates the "payments" logger at import, as module code does

CONFIG = {  # a typical application config: a console handler on the root, no key for the rest
    "version": 1,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": "INFO", "handlers": ["console"]},
}
FIXED = "INFO payments: charged 10\nERROR payments: card declined\n"


def run(configure, *args):
    """Configure with stderr captured (the handler binds sys.stderr), then log; return output."""
    out = io.StringIO()
    with contextlib.redirect_stderr(out):
        configure(*args)
    payments.charge(10)
    logging.getLogger("refunds").info("created after the config")  # a logger made later
    logging.info("root still works")
    return out.getvalue()


# 1. dictConfig without the key: the module logger is disabled; the others still print.
silenced = run(logging.config.dictConfig, CONFIG)
assert payments.logger.disabled is True
assert "payments" not in silenced and "card declined" not in silenced, silenced
assert silenced == "INFO refunds: created after the config\nINFO root: root still works\n"
assert logging.getLogger().handlers, "the root logger is configured: not a basicConfig no-op"

# 2. fileConfig(path) does the same (alembic's env.py, gunicorn and uvicorn --log-config .ini).
payments.logger.disabled = False  # as in a fresh process
file_silenced = run(logging.config.fileConfig, str(work / "logging.ini"))
assert payments.logger.disabled is True and "payments" not in file_silenced, file_silenced

ns = load_snippet()
diagnosis = ns["disabled_loggers"]()  # names the silent loggers: payments, and refunds by now
assert diagnosis == ["payments", "refunds"], diagnosis

# The fix: dictConfig with "disable_existing_loggers": False keeps (and re-enables) it.
fixed = run(ns["apply_dict_config"], CONFIG)
assert payments.logger.disabled is False and fixed.startswith(FIXED), fixed
assert ns["disabled_loggers"]() == []
assert run(logging.config.dictConfig, ns["LOGGING"]).startswith(FIXED)  # the LOGGING dict too

# fileConfig(path, disable_existing_loggers=False).
payments.logger.disabled = False
assert run(ns["apply_file_config"], str(work / "logging.ini")).startswith(FIXED)

# After a framework's own config disabled it: enable_loggers brings the package back.
run(logging.config.dictConfig, CONFIG)
assert ns["enable_loggers"]("payments") == ["payments"]
out = io.StringIO()
logging.getLogger().handlers[0].setStream(out)
payments.charge(10)
assert out.getvalue() == FIXED, out.getvalue()
record(silenced=silenced, fixed=fixed.splitlines()[1], disabled_after_file_config=diagnosis)
