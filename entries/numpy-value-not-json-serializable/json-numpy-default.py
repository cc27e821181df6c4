"""json.dumps for results that hold numpy or pandas values: convert them to plain Python first."""

import json

# WRONG: json.dumps({"count": df["clicks"].sum(), "scores": model.predict(x)})
#   TypeError: Object of type int64 is not JSON serializable   (float32, bool_, ndarray, Timestamp...)
#   str(value) hides it but gives "[1 2 3]" and "0.5" as strings the reader cannot use.


def to_builtin(value: object) -> object:
    """A numpy scalar or array, or a pandas Timestamp/NaT/Series, as a plain Python value.

    numpy scalars (int64, float32, bool_, datetime64) and arrays have .tolist(), which gives Python
    ints, floats, bools and nested lists; pandas Timestamp has .isoformat(); NaT (missing time) is
    None. Anything else still raises TypeError, so an unexpected type is noticed, not stringified.
    """
    if hasattr(value, "tolist"):  # numpy generic or ndarray, pandas Series / Index
        return value.tolist()
    if hasattr(value, "isoformat"):  # pandas Timestamp, datetime, date; NaT != NaT
        return None if value != value else value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(data: object, **kwargs: object) -> str:
    """json.dumps that converts numpy and pandas values (and refuses NaN, which is not JSON)."""
    return json.dumps(data, default=to_builtin, allow_nan=False, **kwargs)


# Or at the source: int(total), float(score), bool(flag), array.tolist(), df.to_dict("records")
# FastAPI: return {"scores": scores.tolist()} (jsonable_encoder does not know numpy types either)
