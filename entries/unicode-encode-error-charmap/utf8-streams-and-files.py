"""Output that never fails on the platform's code page: UTF-8 streams and files."""

import io
import logging
import sys

# WRONG: print(model_reply) on a cp1252 Windows console or pipe
#     -> UnicodeEncodeError: 'charmap' codec can't encode character '\U0001f680'


def use_utf8_output(*streams: io.TextIOBase) -> None:
    """Reconfigure text streams (default: stdout and stderr) to UTF-8, never failing on a char."""
    for stream in streams or (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def file_logger(name: str, path: str) -> logging.Logger:
    """A logger whose file is UTF-8 whatever the platform."""
    logger = logging.getLogger(name)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger
