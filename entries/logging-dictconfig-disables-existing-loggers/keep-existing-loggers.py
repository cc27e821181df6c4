"""Apply a logging configuration without silencing the loggers that modules created at import."""

import logging
import logging.config

# WRONG: `logger = logging.getLogger(__name__)` ran when the module was imported; a dictConfig
# without "disable_existing_loggers" (it defaults to True), or fileConfig(path), then sets that
# logger's .disabled to True and its records vanish, while the root logger and loggers created
# later still print:
#   import myapp.payments                      # creates the "myapp.payments" logger
#   logging.config.dictConfig({"version": 1, "handlers": {...}, "root": {...}})
#   myapp.payments.charge(10)                  # logs nothing: the logger is disabled

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,  # keep the loggers that exist before this call
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": "INFO", "handlers": ["console"]},
}


def apply_dict_config(config):
    """dictConfig that leaves existing loggers enabled unless the config itself says True."""
    logging.config.dictConfig({"disable_existing_loggers": False, **config})


def apply_file_config(path):
    """fileConfig (an .ini file: alembic.ini, gunicorn --log-config) keeping existing loggers."""
    logging.config.fileConfig(path, disable_existing_loggers=False)


def disabled_loggers():
    """The names of the loggers a configuration call disabled: each one prints nothing."""
    loggers = logging.root.manager.loggerDict.items()
    return sorted(name for name, lg in loggers if isinstance(lg, logging.Logger) and lg.disabled)


def enable_loggers(prefix):
    """After a framework's or a library's config disabled them: enable `prefix` and its children."""
    names = [n for n in disabled_loggers() if n == prefix or n.startswith(prefix + ".")]
    for name in names:
        logging.getLogger(name).disabled = False
    return names


# Django: keep "disable_existing_loggers": False in settings.LOGGING. Alembic's env.py:
# fileConfig(config.config_file_name, disable_existing_loggers=False). uvicorn and Sanic: give
# the dict you pass as log_config=... the same key. Or configure logging at the entry
# point before importing the modules that create loggers.
