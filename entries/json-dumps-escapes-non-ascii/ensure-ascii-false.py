"""JSON that models and people read: keep the characters, do not escape them."""

import json
from pathlib import Path

# WRONG: json.dumps({"city": "北京"}) -> '{"city": "\u5317\u4eac"}' in the model's context.


def to_model_json(value: object) -> str:
    """Tool results, prompts and logs: readable text, fewer tokens."""
    return json.dumps(value, ensure_ascii=False)


def write_json(path: str | Path, value: object) -> None:
    Path(path).write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
