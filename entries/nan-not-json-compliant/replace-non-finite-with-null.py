"""JSON has no NaN or Infinity: send null instead, and refuse any that slip through."""

import json
import math

# WRONG: return JSONResponse({"score": statistics.fmean(scores) if scores else float("nan")})
#   -> ValueError: Out of range float values are not JSON compliant
# and json.dumps(...) with the default allow_nan=True writes NaN, which JSON.parse refuses.


def finite_or_none(value):
    """A copy of value with every NaN/inf float (numpy floats included) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    return value


def dumps_strict(value) -> str:
    """Standard JSON only: NaN/inf become null, anything else non-finite raises here."""
    return json.dumps(finite_or_none(value), allow_nan=False)


def mean_or_none(values: list[float]) -> float | None:
    """Guard the computation itself: no data is None, not NaN."""
    return sum(values) / len(values) if values else None
