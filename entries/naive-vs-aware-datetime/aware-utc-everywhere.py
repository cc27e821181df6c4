"""Keep every datetime aware and in UTC; normalise at the boundary, localise only to display."""

from datetime import datetime, timedelta, timezone

# WRONG: naive "now" compared with an aware value parsed from an API or a database.
#     if datetime.utcnow() > datetime.fromisoformat("2024-05-01T10:00:00+00:00"): ...
#     -> TypeError: can't compare offset-naive and offset-aware datetimes


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_utc(value: datetime | str | float, assume: timezone | None = None) -> datetime:
    """Aware UTC from an aware datetime, an ISO string or an epoch timestamp.

    A naive value is refused unless the caller says which zone it is in (`assume`).
    """
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        if assume is None:
            raise ValueError(f"naive datetime {value.isoformat()}: say which time zone it is in")
        value = value.replace(tzinfo=assume)
    return value.astimezone(timezone.utc)


def is_expired(expires_at: datetime | str | float, now: datetime | None = None) -> bool:
    return (now or utc_now()) >= to_utc(expires_at)


def expires_in(seconds: float) -> datetime:
    return utc_now() + timedelta(seconds=seconds)
