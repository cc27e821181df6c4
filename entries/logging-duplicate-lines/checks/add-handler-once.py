"""A handler added on each call prints every line once per call, and a logger with its own
handler that propagates to a configured root prints it once more; get_logger prints it once."""

import io
import logging

from errata_check import load_snippet, record

root = logging.getLogger()
out = io.StringIO()
root.addHandler(logging.StreamHandler(out))  # the application's (or a framework's) root handler


def wrong_get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return logger


for _ in range(3):  # one call per request, agent or instance
    log = wrong_get_logger("agent.tools")
log.info("tool call finished")
lines = out.getvalue().splitlines()
assert lines.count("INFO agent.tools: tool call finished") == 3, lines  # once per handler ...
assert lines.count("tool call finished") == 1, lines  # ... and once more from the root's handler
wrong_lines = len(lines)

ns = load_snippet()
fixed_out = io.StringIO()
root.addHandler(logging.StreamHandler(fixed_out))
for _ in range(3):
    logger = ns["get_logger"]("agent.memory", stream=fixed_out)
logger.info("saved 4 messages")
fixed = fixed_out.getvalue().splitlines()
assert len(fixed) == 1 and fixed[0].endswith("INFO agent.memory: saved 4 messages"), fixed
assert len(logger.handlers) == 1 and len(ns["handlers_on_path"](logger)) == 1
assert len(ns["handlers_on_path"](logging.getLogger("agent.tools"))) == 5  # 3 own + 2 on root
child = logging.getLogger("agent.memory.store")  # a child without a handler reaches the one
child.warning("disk almost full")
assert len(fixed_out.getvalue().splitlines()) == 2, fixed_out.getvalue()
record(wrong_lines_per_message=wrong_lines, fixed_lines_per_message=len(fixed))
