"""Naive/aware mixes raise or are silently off by the UTC offset; aware UTC is exact."""

import os
import time
from datetime import datetime, timedelta, timezone

from errata_check import load_snippet, record

aware = datetime.fromisoformat("2024-05-01T10:00:00+00:00")
try:
    datetime.utcnow() > aware  # noqa: B015, DTZ003
    message = ""
except TypeError as exc:
    message = str(exc)
assert message == "can't compare offset-naive and offset-aware datetimes", message

# The silent variant: a server whose local zone is UTC-8 stores naive local "now" + 1 h as an
# expiry, and a worker compares it with naive utcnow(): off by the 8 h offset.
os.environ["TZ"] = "Etc/GMT+8"
time.tzset()
naive_expiry = datetime.now() + timedelta(hours=1)  # noqa: DTZ005
silently_expired = datetime.utcnow() >= naive_expiry  # noqa: DTZ003
assert silently_expired, "the naive comparison should wrongly call a fresh token expired"

ns = load_snippet()
to_utc, is_expired, expires_in, utc_now = (
    ns["to_utc"], ns["is_expired"], ns["expires_in"], ns["utc_now"]
)
assert not is_expired(expires_in(3600))
assert is_expired(expires_in(-1))
instant = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
for text in ["2024-05-01T10:00:00+00:00", "2024-05-01T15:30:00+05:30", "2024-05-01T02:00:00-08:00"]:
    assert to_utc(text) == instant and to_utc(text).utcoffset() == timedelta(0), text
assert to_utc(instant.timestamp()) == instant
assert is_expired("2024-05-01T15:30:00+05:30", now=instant)
assert not is_expired("2024-05-01T15:31:00+05:30", now=instant)
try:
    to_utc(datetime(2024, 5, 1, 10, 0))
    refused = False
except ValueError as exc:
    refused = "naive" in str(exc)
assert refused
assert to_utc(datetime(2024, 5, 1, 2, 0), assume=timezone(timedelta(hours=-8))) == instant
assert utc_now().tzinfo is not None
record(wrong_silent_offset_hours=8, fixed_zones_agreeing=3)
