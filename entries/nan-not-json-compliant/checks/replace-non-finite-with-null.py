"""allow_nan=False raises on NaN/inf, the default writes NaN that strict parsers refuse;
the cleaned payload is standard JSON with nulls."""

import json

from errata_check import load_snippet, record

payload = {"model": "m", "score": float("nan"), "ratio": float("inf"), "rows": [1.5, float("-inf")], "n": 3}
try:
    json.dumps(payload, allow_nan=False)  # what Starlette's JSONResponse does
    wrong = ""
except ValueError as error:
    wrong = str(error)
assert wrong.startswith("Out of range float values are not JSON compliant"), wrong
default = json.dumps(payload)
assert "NaN" in default and "Infinity" in default


def refuse(token):
    raise ValueError(f"not JSON: {token}")


try:
    json.loads(default, parse_constant=refuse)  # a strict parser, as JSON.parse in a browser
    strict = ""
except ValueError as error:
    strict = str(error)
assert strict == "not JSON: NaN", strict

ns = load_snippet()
text = ns["dumps_strict"](payload)
assert json.loads(text, parse_constant=refuse) == {"model": "m", "score": None, "ratio": None, "rows": [1.5, None], "n": 3}
assert ns["dumps_strict"]({"a": (0.1, 2)}) == '{"a": [0.1, 2]}'
assert ns["mean_or_none"]([]) is None and ns["mean_or_none"]([1.0, 2.0]) == 1.5
record(wrong=wrong, cleaned=text)
