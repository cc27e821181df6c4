"""json.dumps refuses datetime & co; the default handler converts them and still refuses unknowns."""

import dataclasses
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

from errata_check import load_snippet, record


@dataclasses.dataclass
class Event:
    kind: str
    at: datetime


class Model:
    """Stands in for the reader's pydantic model (anything with model_dump)."""

    def model_dump(self) -> dict:
        return {"id": 7}


at = datetime(2025, 6, 5, 12, 30, tzinfo=timezone(timedelta(hours=2)))
result = {
    "created_at": at,
    "day": date(2025, 6, 5),
    "price": Decimal("19.99"),
    "id": UUID("12345678-1234-5678-1234-567812345678"),
    "tags": {"b", "a"},
    "event": Event("start", at),
    "raw": b"\x00\x01",
    "model": Model(),
}
failures = []
for key, value in result.items():
    try:
        json.dumps({key: value})
    except TypeError as exc:
        failures.append(str(exc))
assert "Object of type datetime is not JSON serializable" in failures
assert "Object of type Decimal is not JSON serializable" in failures
assert len(failures) == len(result), failures

ns = load_snippet()
parsed = json.loads(ns["dumps"](result))
assert datetime.fromisoformat(parsed["created_at"]) == at
assert parsed["day"] == "2025-06-05" and Decimal(parsed["price"]) == Decimal("19.99")
assert parsed["id"] == "12345678-1234-5678-1234-567812345678" and parsed["tags"] == ["a", "b"]
assert parsed["event"] == {"kind": "start", "at": at.isoformat()}
assert parsed["raw"] == "AAE=" and parsed["model"] == {"id": 7}
try:
    ns["dumps"]({"lock": object()})
    refused = ""
except TypeError as exc:
    refused = str(exc)
assert refused == "Object of type object is not JSON serializable", refused
record(wrong_failures=len(failures), fixed_types_converted=len(result))
