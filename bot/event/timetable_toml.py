"""Reading a whole timetable (days, slots, breaks, rooms) from TOML.

Format (times are local to `timezone`, which defaults to the event's timezone)::

    timezone = "Europe/Brussels"          # optional, IANA name

    [[rooms]]
    name = "Main hall"
    capacity = 80                         # at least 1
    link = "https://meet.example/main"    # optional
    voice_channel_id = 1234567890         # optional

    [[days]]
    date = 2026-07-06                     # TOML date (or "2026-07-06")
    label = "Monday"                      # optional
    slots = [
      { start = "09:00", end = "09:45" },
      { start = "09:45", end = "10:15", break = true, label = "Coffee" },
      { start = 10:15:00, end = 11:00:00 },  # TOML local times work too
    ]

See data/examples/timetable.toml. Importing replaces the event's whole timetable. The file is
refused before it is parsed when it is too large or its structure would make parsing costly
(bot/event/uploads.py); call `parse_timetable` off the event loop (`uploads.off_loop`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date

from bot.event.base import MAX_ID
from bot.event.errors import InvalidInput
from bot.event.text import clean_title
from bot.event.times import parse_date, parse_time, to_utc_text, zone
from bot.event.uploads import scan_toml, upload_text
from bot.i18n import N_, NP_, Message

MAX_TOML_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class ParsedSlot:
    start_utc: str
    end_utc: str
    is_break: bool
    label: str


@dataclass(frozen=True, slots=True)
class ParsedDay:
    date: date
    label: str
    slots: tuple[ParsedSlot, ...]


@dataclass(frozen=True, slots=True)
class ParsedRoom:
    name: str
    capacity: int
    link: str | None
    voice_channel_id: int | None


@dataclass(frozen=True, slots=True)
class ParsedTimetable:
    timezone: str
    days: tuple[ParsedDay, ...]
    rooms: tuple[ParsedRoom, ...]


def _table_list(doc: dict, key: str) -> list[dict]:
    items = doc.get(key, [])
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise InvalidInput(N_("`{key}` must be a list of tables ([[{key}]]).", key=key))
    return items


def _check_keys(item: dict, allowed: set[str], where: Message | str) -> None:
    extra = sorted(set(item) - allowed)
    if extra:
        raise InvalidInput(NP_("{where}: unknown key {keys}; allowed: {allowed}.",
                               "{where}: unknown keys {keys}; allowed: {allowed}.", len(extra),
                               where=where, keys=", ".join(extra),
                               allowed=", ".join(sorted(allowed))))


def parse_room(item: dict, where: Message | str) -> ParsedRoom:
    _check_keys(item, {"name", "capacity", "link", "voice_channel_id"}, where)
    name = clean_title(item.get("name"), field=N_("name of {where}", where=where))
    cap = item.get("capacity")
    if not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= 1_000_000:
        raise InvalidInput(N_("{where} ({name}): capacity must be a whole number of at least 1.",
                              where=where, name=name))
    link = item.get("link")
    if link is not None:
        link = clean_title(link, field=N_("link of {where}", where=where), limit=500)
    vc = item.get("voice_channel_id")
    if vc is not None and (not isinstance(vc, int) or isinstance(vc, bool)
                           or not 1 <= vc <= MAX_ID):
        raise InvalidInput(N_("{where} ({name}): voice_channel_id must be a Discord channel id, "
                              "a positive whole number of at most 19 digits.", where=where,
                              name=name))
    return ParsedRoom(name, cap, link, vc)


def parse_timetable(raw: str | bytes, default_timezone: str) -> ParsedTimetable:
    """Parse and check the TOML (text, or the file's bytes); raise InvalidInput naming the
    first problem found. Synchronous and CPU-bound: run it off the event loop."""
    text = upload_text(raw, "timetable file", MAX_TOML_CHARS)
    scan_toml(text, "timetable file")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InvalidInput(N_("The timetable is not valid TOML: {problem}.", problem=e)) from None
    except ValueError:  # Python refuses to read integers of thousands of digits
        raise InvalidInput(N_("The timetable file holds a number too long to read; its numbers "
                              "are capacities and channel ids.")) from None
    _check_keys(doc, {"timezone", "rooms", "days"}, N_("the timetable"))
    tz_name = doc.get("timezone", default_timezone)
    tz = zone(tz_name)
    rooms = tuple(parse_room(r, N_("room {number}", number=i + 1))
                  for i, r in enumerate(_table_list(doc, "rooms")))
    days: list[ParsedDay] = []
    seen_dates: set[date] = set()
    for i, d in enumerate(_table_list(doc, "days")):
        where = N_("day {number}", number=i + 1)
        _check_keys(d, {"date", "label", "slots"}, where)
        day = parse_date(d.get("date"), N_("date of {where}", where=where))
        if day in seen_dates:
            raise InvalidInput(N_("{where}: the date {date} appears twice.", where=where,
                                  date=day.isoformat()))
        seen_dates.add(day)
        label = (clean_title(d["label"], field=N_("label of {where}", where=where))
                 if "label" in d else "")
        raw_slots = d.get("slots", [])
        if not isinstance(raw_slots, list):
            raise InvalidInput(N_("{where}: `slots` must be a list.", where=where))
        slots = []
        for j, s in enumerate(raw_slots):
            sw = N_("day {number} ({date}), slot {slot}", number=i + 1, date=day.isoformat(),
                    slot=j + 1)
            if not isinstance(s, dict):
                raise InvalidInput(N_("{where}: must be a table like {example}.", where=sw,
                                      example='{ start = "09:00", end = "09:45" }'))
            _check_keys(s, {"start", "end", "break", "label"}, sw)
            start = to_utc_text(
                day, parse_time(s.get("start"), N_("start of {where}", where=sw)), tz)
            end = to_utc_text(day, parse_time(s.get("end"), N_("end of {where}", where=sw)), tz)
            if end <= start:
                raise InvalidInput(N_("{where}: ends before it starts.", where=sw))
            is_break = s.get("break", False)
            if not isinstance(is_break, bool):
                raise InvalidInput(N_("{where}: `break` must be true or false.", where=sw))
            slabel = (clean_title(s["label"], field=N_("label of {where}", where=sw))
                      if "label" in s else "")
            slots.append(ParsedSlot(start, end, is_break, slabel))
        ordered = sorted(slots, key=lambda x: x.start_utc)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.start_utc < a.end_utc:
                raise InvalidInput(N_("{where} ({date}): two slots overlap.", where=where,
                                      date=day.isoformat()))
        days.append(ParsedDay(day, label, tuple(ordered)))
    all_slots = sorted((s for d in days for s in d.slots), key=lambda x: x.start_utc)
    for a, b in zip(all_slots, all_slots[1:], strict=False):
        if b.start_utc < a.end_utc:
            raise InvalidInput(N_("Two slots on different days overlap."))
    return ParsedTimetable(tz_name, tuple(days), rooms)
