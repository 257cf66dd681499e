"""Time helpers: slots are stored as UTC ISO timestamps; people think in the event's timezone."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.event.errors import InvalidInput
from bot.i18n import ENGLISH, N_, Language, Message

#: The years an event's days and stored instants may fall in: wide enough for any real event,
#: narrow enough that converting a local time to UTC (or back) can never leave the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidInput(N_("The timezone must be an IANA name such as Europe/Brussels."))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(N_("Unknown timezone {name}: use an IANA name such as "
                              "Europe/Brussels or UTC.", name=repr(name))) from None


def to_utc_text(day: date, at: time, tz: ZoneInfo) -> str:
    """The stored form of a local time: UTC ISO-8601 text (`datetime.isoformat`)."""
    try:
        return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).isoformat()
    except (OverflowError, ValueError):  # at the calendar's ends: a day stored before
        raise InvalidInput(N_("{day} {at} is outside the years {first} to {last}: use a day "
                              "within them.", day=day, at=at, first=FIRST_YEAR,
                              last=LAST_YEAR)) from None  # at the calendar's ends


def instant_text(raw: object, field: str | Message) -> str:
    """An ISO-8601 instant with its UTC offset, in the stored form (see to_utc_text)."""
    if isinstance(raw, str):
        at = None
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(raw.strip())
        if at is not None and at.tzinfo is not None:
            if not FIRST_YEAR <= at.year <= LAST_YEAR:
                raise InvalidInput(N_("The {field} must be in the years {first} to {last}.",
                                      field=field, first=FIRST_YEAR, last=LAST_YEAR))
            return at.astimezone(UTC).isoformat()  # within the years above: cannot overflow
    raise InvalidInput(N_("The {field} must be a date and time with its UTC offset, such as "
                          "2026-07-06T09:30:00+00:00.", field=field))


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_time(raw: object, field: str | Message) -> time:
    """`time` objects, or "HH:MM" / "HH:MM:SS" text."""
    if isinstance(raw, time):
        return raw.replace(tzinfo=None)
    if isinstance(raw, str):
        try:
            return time.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidInput(N_("The {field} must be a time of day such as 09:30.", field=field))


def parse_date(raw: object, field: str | Message = "date") -> date:
    """A `date`, or "YYYY-MM-DD" text, within the years FIRST_YEAR..LAST_YEAR."""
    if isinstance(raw, datetime):
        raise InvalidInput(N_("The {field} must be a date such as 2026-07-06, without a time.",
                              field=field))
    day = None
    if isinstance(raw, date):
        day = raw
    elif isinstance(raw, str):
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(raw.strip())
    if day is None:
        raise InvalidInput(N_("The {field} must be a date such as 2026-07-06.", field=field))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(N_("The {field} ({day}) must be in the years {first} to {last}.",
                              field=field, day=day.isoformat(), first=FIRST_YEAR,
                              last=LAST_YEAR))
    return day


def day_name(day: date, label: str = "", language: Language = ENGLISH) -> str:
    """"Monday, July 6", "Montag, 6. Juli" (`Language.day`); an organiser's own label ("Day 1")
    comes first when it adds something: the one name of a day in lists, pictures and
    choices, in the reader's language."""
    when = language.day(day)
    label = label.strip()
    return f"{label} · {when}" if label and label.casefold() not in when.casefold() else when
