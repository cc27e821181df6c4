"""Log the fields you need; replace only true cycles where an arbitrary object must be written.

WRONG:  json.dumps({"agent": agent})   # agent["tools"][0]["owner"] is agent
  ValueError: Circular reference detected
(json.dumps(obj, default=vars) on objects that point back at their owner fails the same way.)
"""

from __future__ import annotations

import json
from typing import Any

_CONTAINERS = (dict, list, tuple)


def _acyclic(value: Any, ancestors: set[int], default: Any) -> Any:
    """The value with each reference back to an ancestor replaced by "[Circular]"."""
    if not isinstance(value, _CONTAINERS):
        if default is None or isinstance(value, str | int | float | bool | type(None)):
            return value
        value = default(value)  # an object: its dict (or str) stands for it
        if not isinstance(value, _CONTAINERS):
            return value
    if id(value) in ancestors:
        return "[Circular]"
    ancestors.add(id(value))
    try:
        if isinstance(value, dict):
            return {str(k): _acyclic(v, ancestors, default) for k, v in value.items()}
        return [_acyclic(item, ancestors, default) for item in value]
    finally:
        ancestors.discard(id(value))


def safe_dumps(value: Any, *, default: Any = None, **kwargs: Any) -> str:
    """json.dumps that writes "[Circular]" for true cycles (objects shared by two fields stay whole)."""
    return json.dumps(_acyclic(value, set(), default), **kwargs)


def error_for_log(exc: BaseException) -> dict[str, Any]:
    """The small, JSON-safe summary of an exception: type, message, HTTP status, URL, cause."""
    response = getattr(exc, "response", None)
    request = getattr(exc, "request", None)
    summary: dict[str, Any] = {
        "type": type(exc).__name__,
        "message": str(exc),
        "status": getattr(response, "status_code", None) or getattr(exc, "status_code", None),
        "url": str(getattr(request, "url", "") or "") or None,
    }
    if exc.__cause__ is not None:
        summary["cause"] = error_for_log(exc.__cause__)
    return {key: value for key, value in summary.items() if value is not None}
