"""json.dumps refuses numpy scalars and arrays and pandas timestamps; the default hook converts them
to plain Python values and still refuses unknown types.

The sandbox has no numpy or pandas, so without them this check builds values with their interface
and type names (numpy scalars and arrays: .tolist(); pandas Timestamp: a datetime; NaT: unequal to
itself). Where numpy is installed it uses numpy's own int64, float32, bool_, ndarray, datetime64.
"""

import json
from datetime import datetime

from errata_check import load_snippet, record

try:
    import numpy as np
except ImportError:
    np = None


def stand_in(name: str, python_value: object) -> object:
    """An object named like a numpy type whose .tolist() gives a Python value, as numpy's does."""
    return type(name, (), {"tolist": lambda self: python_value})()


class Timestamp(datetime):
    """A pandas Timestamp is a datetime subclass: json only sees an unknown type."""


class NaTType:
    """pandas NaT: missing time, unequal to itself; its isoformat() is the string 'NaT'."""

    def __ne__(self, other: object) -> bool:
        return True

    def isoformat(self) -> str:
        return "NaT"


if np is not None:
    row = {"count": np.int64(42), "score": np.float32(0.5), "ok": np.bool_(True),
           "matrix": np.array([[1, 2], [3, 4]]), "day": np.datetime64("2025-06-05T12:30")}
else:
    row = {"count": stand_in("int64", 42), "score": stand_in("float32", 0.5),
           "ok": stand_in("bool_", True), "matrix": stand_in("ndarray", [[1, 2], [3, 4]]),
           "day": Timestamp(2025, 6, 5, 12, 30)}
row["seen"] = Timestamp(2025, 6, 5, 12, 30)
row["missing"] = NaTType()
failures = []
for key, value in row.items():
    try:
        json.dumps({key: value})
    except TypeError as exc:
        failures.append(str(exc))
assert "Object of type int64 is not JSON serializable" in failures, failures
assert "Object of type float32 is not JSON serializable" in failures, failures
assert "Object of type ndarray is not JSON serializable" in failures, failures
assert "Object of type Timestamp is not JSON serializable" in failures, failures
assert len(failures) == len(row), failures

ns = load_snippet()
parsed = json.loads(ns["dumps"](row))
assert parsed["count"] == 42 and type(parsed["count"]) is int
assert parsed["score"] == 0.5 and parsed["ok"] is True
assert parsed["matrix"] == [[1, 2], [3, 4]]
assert datetime.fromisoformat(parsed["day"]) == datetime(2025, 6, 5, 12, 30)
assert parsed["seen"] == "2025-06-05T12:30:00" and parsed["missing"] is None
try:
    ns["dumps"]({"lock": object()})
    refused = ""
except TypeError as exc:
    refused = str(exc)
assert refused == "Object of type object is not JSON serializable", refused
try:
    ns["dumps"]({"score": float("nan")})
    raise AssertionError("NaN written into JSON")
except ValueError:
    pass
record(numpy_installed=np is not None, wrong_failures=failures, converted=len(row))
