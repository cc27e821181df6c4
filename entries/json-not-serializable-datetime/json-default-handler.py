"""Serialise tool results that contain datetimes, Decimals, UUIDs, sets, bytes, dataclasses."""

import base64
import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

# WRONG: json.dumps({"created_at": datetime.now(timezone.utc)})
#     -> TypeError: Object of type datetime is not JSON serializable


def to_jsonable(value: object) -> object:
    """json.dumps(default=...): convert known types explicitly, refuse the rest."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "model_dump"):
        return value.model_dump()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: object) -> str:
    return json.dumps(value, default=to_jsonable, ensure_ascii=False)
