"""Time helpers: slots are stored as UTC ISO timestamps; people think in the event's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.event.errors import InvalidInput


def zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidInput("The timezone must be an IANA name such as Europe/Brussels.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"Unknown timezone {name!r}: use an IANA name such as "
                           "Europe/Brussels or UTC.") from None


def to_utc_text(day: date, at: time, tz: ZoneInfo) -> str:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).isoformat()


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_time(raw: object, field: str) -> time:
    """`time` objects, or "HH:MM" / "HH:MM:SS" text."""
    if isinstance(raw, time):
        return raw.replace(tzinfo=None)
    if isinstance(raw, str):
        try:
            return time.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidInput(f"The {field} must be a time of day such as 09:30.")


def parse_date(raw: object, field: str = "date") -> date:
    if isinstance(raw, datetime):
        raise InvalidInput(f"The {field} must be a date such as 2026-07-06, without a time.")
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidInput(f"The {field} must be a date such as 2026-07-06.")
