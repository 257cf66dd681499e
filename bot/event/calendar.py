"""iCalendar (.ics) files of an itinerary or of the whole published timetable (RFC 5545).

Built with the `icalendar` library so folding, escaping and encoding follow the RFC. Each
session has one UID for its whole life (`session-{guild}-{session}@session-scheduler`), and
SEQUENCE is the schedule version: importing a newer file updates events (a moved session
changes its time) instead of adding a second copy. The same files are the web's subscribable
feeds: a session cancelled since publishing stays in them as `STATUS:CANCELLED`, so calendar
apps that poll the feed strike it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from bot.event.models import Entry, ItineraryItem, PublishedTimetable, SlotView, level_name

PRODID = "-//session-scheduler//session-scheduler//EN"
UID_DOMAIN = "session-scheduler"


def session_uid(guild_id: int, session_id: int) -> str:
    """Stable across versions, so a re-import moves the event rather than duplicating it."""
    return f"session-{guild_id}-{session_id}@{UID_DOMAIN}"


def _calendar(name: str, timezone: str | None, refresh: timedelta | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if timezone:
        cal.add("x-wr-timezone", timezone)
    if refresh is not None:  # a feed: how often calendar apps should fetch it again
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", refresh)
    return cal


def _event(guild_id: int, entry: Entry, slot: SlotView, description: str, sequence: int,
           stamp: datetime, url: str | None = None) -> Event:
    ev = Event()
    ev.add("uid", session_uid(guild_id, entry.session_id))
    ev.add("dtstamp", stamp)
    ev.add("sequence", max(0, sequence))
    ev.add("summary", entry.title)
    ev.add("dtstart", slot.start.astimezone(UTC))
    ev.add("dtend", slot.end.astimezone(UTC))
    ev.add("location", entry.room_name)
    if description:
        ev.add("description", description)
    if url:
        ev.add("url", url)
    if entry.withdrawn:
        ev.add("status", "CANCELLED")
    ev.add("transp", "OPAQUE")
    return ev


def _bytes(cal: Calendar, events: Iterable[Event]) -> bytes:
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()


def itinerary_ics(items: Sequence[ItineraryItem], *, guild_id: int, event_name: str,
                  version_id: int, descriptions: Mapping[int, str] | None = None,
                  timezone: str | None = None, now: datetime | None = None,
                  urls: Mapping[int, str] | None = None,
                  cancelled: Sequence[tuple[SlotView, Entry]] = (),
                  refresh: timedelta | None = None) -> bytes:
    """One VEVENT per slot where the attendee is expected; the slot's alternatives are listed
    in the description so the file alone tells them what else they could attend. `cancelled`:
    sessions they wanted that were cancelled since publishing (entries marked `withdrawn`)."""
    descriptions, urls = descriptions or {}, urls or {}
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    events = []
    for item in items:
        if item.expected is None or item.slot.is_break:
            continue
        parts = [descriptions.get(item.expected.session_id, "").strip()]
        if item.alternatives:
            parts.append("Also in this slot:\n" + "\n".join(
                f"- {e.title} ({e.room_name}; your interest: {level_name(level)})"
                for e, level in item.alternatives))
        events.append(_event(guild_id, item.expected, item.slot,
                             "\n\n".join(p for p in parts if p), version_id, stamp,
                             urls.get(item.expected.session_id)))
    events += [_event(guild_id, entry, slot, descriptions.get(entry.session_id, "").strip(),
                      version_id, stamp, urls.get(entry.session_id))
               for slot, entry in cancelled]
    return _bytes(_calendar(f"{event_name}: my sessions", timezone, refresh), events)


def timetable_ics(timetable: PublishedTimetable, *, guild_id: int, event_name: str,
                  descriptions: Mapping[int, str] | None = None,
                  now: datetime | None = None, urls: Mapping[int, str] | None = None,
                  refresh: timedelta | None = None) -> bytes:
    """One VEVENT per placed session of the published version: the admins' export, and the
    web's feeds of the whole event or one track."""
    descriptions, urls = descriptions or {}, urls or {}
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    events = []
    for day in timetable.days:
        for ps in day.slots:
            if ps.slot.is_break:
                continue
            for entry in ps.entries:
                parts = [descriptions.get(entry.session_id, "").strip(),
                         f"Expected attendance: {entry.expected_attendance}"]
                events.append(_event(guild_id, entry, ps.slot, "\n\n".join(p for p in parts if p),
                                     timetable.version_id, stamp, urls.get(entry.session_id)))
    return _bytes(_calendar(event_name, timetable.timezone, refresh), events)
