"""Configure the root logger so the level, format and file apply even if something configured it first."""

import logging

# WRONG: a library imported first called logging.basicConfig() (or logged at import), or an
# earlier logging.info()/warning() call ran basicConfig() with the defaults. The root logger
# already has a handler, so this call silently does nothing:
#   import some_library                      # logging.basicConfig() at import
#   logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(message)s", filename="app.log")
#   logging.debug("never shown")             # root stays WARNING, "WARNING:root:...", no app.log

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level=logging.INFO, filename=None, stream=None):
    """Python 3.8+: remove and close the root logger's existing handlers, then apply ours."""
    handlers = [logging.StreamHandler(stream)]  # stream None -> sys.stderr
    if filename:
        handlers.append(logging.FileHandler(filename, encoding="utf-8"))
    logging.basicConfig(level=level, format=LOG_FORMAT, handlers=handlers, force=True)
    return logging.getLogger().handlers


def configure_keeping_handlers(level=logging.INFO):
    """Before 3.8, or to keep a handler a framework installed on purpose: set the level on the
    root logger and the level and format on each handler it already has."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
    return root.handlers


# At the program's entry point (not at import time of a module others import), before the first
# log call: configure_logging(logging.DEBUG, filename="app.log"). A library should only do
# logging.getLogger(__name__).addHandler(logging.NullHandler()) and never configure the root.
