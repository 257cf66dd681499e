"""Time helpers: slots are stored as UTC ISO timestamps; people think in the event's timezone."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.event.errors import InvalidInput

#: The years an event's days and stored instants may fall in: wide enough for any real event,
#: narrow enough that converting a local time to UTC (or back) can never leave the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_YEARS_MESSAGE = f"{FIRST_YEAR} to {LAST_YEAR}"


def zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidInput("The timezone must be an IANA name such as Europe/Brussels.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"Unknown timezone {name!r}: use an IANA name such as "
                           "Europe/Brussels or UTC.") from None


def to_utc_text(day: date, at: time, tz: ZoneInfo) -> str:
    """The stored form of a local time: UTC ISO-8601 text (`datetime.isoformat`)."""
    try:
        return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).isoformat()
    except (OverflowError, ValueError):  # at the calendar's ends: a day stored before
        raise InvalidInput(f"{day} {at} is outside the years {_YEARS_MESSAGE}: "  # the check
                           "use a day within them.") from None


def instant_text(raw: object, field: str) -> str:
    """An ISO-8601 instant with its UTC offset, in the stored form (see to_utc_text)."""
    if isinstance(raw, str):
        at = None
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(raw.strip())
        if at is not None and at.tzinfo is not None:
            if not FIRST_YEAR <= at.year <= LAST_YEAR:
                raise InvalidInput(f"The {field} must be in the years {_YEARS_MESSAGE}.")
            return at.astimezone(UTC).isoformat()  # within the years above: cannot overflow
    raise InvalidInput(f"The {field} must be a date and time with its UTC offset, such as "
                       "2026-07-06T09:30:00+00:00.")


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
    """A `date`, or "YYYY-MM-DD" text, within the years FIRST_YEAR..LAST_YEAR."""
    if isinstance(raw, datetime):
        raise InvalidInput(f"The {field} must be a date such as 2026-07-06, without a time.")
    day = None
    if isinstance(raw, date):
        day = raw
    elif isinstance(raw, str):
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(raw.strip())
    if day is None:
        raise InvalidInput(f"The {field} must be a date such as 2026-07-06.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"The {field} ({day}) must be in the years {_YEARS_MESSAGE}.")
    return day


def day_name(day: date, label: str = "") -> str:
    """"Monday 6 July 2026"; an organiser's own label ("Day 1") comes first when it adds
    something: the one name of a day in lists, pictures and choices."""
    when = f"{day:%A} {day.day} {day:%B %Y}"
    label = label.strip()
    return f"{label} · {when}" if label and label.casefold() not in when.casefold() else when
