"""Give a logger its handler once, however often the setup runs, and print each line once."""

import logging

# WRONG: a handler added on every call (a get_logger() helper, a class __init__, a request
# handler, a re-run notebook cell) - after N calls every line is printed N times:
#   def get_logger(name):
#       logger = logging.getLogger(name)   # the same object every time
#       logger.addHandler(logging.StreamHandler())
#       return logger
# WRONG too: a logger with its own handler that still propagates to a root logger with one
# (basicConfig, a framework): each line once from the logger, once more from the root.

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "app-console"


def get_logger(name, level=logging.INFO, stream=None):
    """Return the named logger with exactly one console handler, not propagating to the root."""
    logger = logging.getLogger(name)
    logger.setLevel(level)
    if not any(h.get_name() == HANDLER_NAME for h in logger.handlers):
        handler = logging.StreamHandler(stream)  # stream None -> sys.stderr
        handler.set_name(HANDLER_NAME)  # new objects each call: compare by name, not identity
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
    logger.propagate = False  # it has its own handler: do not hand the record to root's as well
    return logger


def handlers_on_path(logger):
    """Every handler a record from this logger reaches (the logger's, then its parents')."""
    found = []
    while logger:
        found.extend(logger.handlers)
        logger = logger.parent if logger.propagate else None
    return found


# Or keep propagate=True and put handlers only on the root, configured once at the entry point;
# named loggers then get no handler of their own (logging.getLogger(__name__) and nothing else).
