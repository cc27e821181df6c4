"""Every path through the function binds the name, or ends the function."""

import json
import logging

log = logging.getLogger(__name__)

# WRONG: when json.loads raises, `data` is never bound and the return fails:
#     def load_config(text):
#         try:
#             data = json.loads(text)
#         except ValueError as error:
#             log.warning("bad config: %s", error)
#         return data          # UnboundLocalError: cannot access local variable 'data' ...


class ConfigError(ValueError):
    """The configuration text is not valid JSON."""


def load_config(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ConfigError(f"bad config: {error}") from error  # this path ends here
    return data


def pick_model(models: list[str], wanted: str) -> str:
    choice = None  # bound before the loop, which may run zero times
    for name in models:
        if name.startswith(wanted):
            choice = name
            break
    if choice is None:
        raise LookupError(f"no model matching {wanted!r} in {models}")
    return choice


def last_error(attempts) -> str:
    """Keep an exception past its except block under a name of its own."""
    failure = ""
    for attempt in attempts:
        try:
            attempt()
            return "ok"
        except RuntimeError as error:  # `error` is deleted when the block ends
            failure = str(error)
    return failure


class Counter:
    """State across calls lives on an object, not in a module-level name rebound with +=."""

    def __init__(self) -> None:
        self.calls = 0

    def tick(self) -> int:
        self.calls += 1
        return self.calls
