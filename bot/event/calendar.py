"""iCalendar (.ics) files of an itinerary or of the whole published timetable (RFC 5545).

Built with the `icalendar` library so folding, escaping and encoding follow the RFC. Each
session has one UID for its whole life (`session-{guild}-{session}@session-scheduler`), and
SEQUENCE is the schedule version: importing a newer file updates events (a moved session
changes its time) instead of adding a second copy, and cancels (STATUS:CANCELLED) those that
left the attendee's itinerary. Each event links back to the session's Discord thread (URL, and
in the description), and Discord's markup in the texts (<@123>, <#123>, <t:…>) is written out
as words, since no calendar app understands it. The same files are the web's subscribable
feeds (with `refresh`): a published session withdrawn since stays in them, cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.event.models import Entry, ItineraryItem, PublishedTimetable, SlotView, level_name
from bot.i18n import ENGLISH, Language

PRODID = "-//session-scheduler//session-scheduler//EN"
UID_DOMAIN = "session-scheduler"

_USER = re.compile(r"<@!?(\d{1,20})>")
_MARKUP = re.compile(r"<(@&|#|@!?)(\d{1,20})>|<(a?):(\w{1,32}):\d{1,20}>"
                     r"|</([\w -]{1,100}):\d{1,20}>|<t:(-?\d{1,13})(?::([tTdDfFR]))?>")


def thread_url(guild_id: int, channel_id: int) -> str:
    """The web and app link to a channel or thread of the server."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}"


def mentioned(texts: Iterable[str]) -> set[int]:
    """The user ids mentioned (<@123>) in these texts."""
    return {int(m) for t in texts for m in _USER.findall(t or "")}


def plain(text: str, names: Mapping[int, str], *, guild_id: int,
          timezone: str | None = None, language: Language = ENGLISH) -> str:
    """Discord's markup written out for a calendar: a mentioned person by name ("@Alice",
    "@someone" when the bot never saw them), a role as "@role", a channel as its link, a
    custom emoji by its name (":party:"), a command ("/schedule"), a timestamp as a date and
    time in `timezone` (the words in `language`)."""
    tz = ZoneInfo(timezone or "UTC")

    def one(m: re.Match[str]) -> str:
        kind, ident, _, emoji, command, stamp, _style = m.groups()
        if emoji is not None:
            return f":{emoji}:"
        if command is not None:
            return f"/{command}"
        if stamp is not None:
            try:
                when = datetime.fromtimestamp(int(stamp), UTC).astimezone(tz)
            except (OverflowError, OSError, ValueError):
                return m.group(0)
            return f"{when:%Y-%m-%d %H:%M} ({tz.key})"
        if kind == "@&":
            return "@" + language.gettext("role")
        if kind == "#":
            return thread_url(guild_id, int(ident))
        return "@" + names.get(int(ident), language.gettext("someone"))
    return _MARKUP.sub(one, text)


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


class _Writer:
    """What every event of one file shares: the server, the names, the threads, the stamp."""

    def __init__(self, guild_id: int, names: Mapping[int, str] | None,
                 threads: Mapping[int, int] | None, timezone: str | None,
                 now: datetime | None, sequence: int, language: Language = ENGLISH):
        self.guild_id, self.names, self.threads = guild_id, names or {}, threads or {}
        self.language = language
        self.timezone, self.sequence = timezone, max(0, sequence)
        self.stamp = (now or datetime.now(UTC)).astimezone(UTC)

    def text(self, raw: str) -> str:
        return plain(raw, self.names, guild_id=self.guild_id, timezone=self.timezone,
                     language=self.language)

    def event(self, entry: Entry, slot: SlotView, parts: Sequence[str],
              cancelled: bool = False) -> Event:
        ev = Event()
        ev.add("uid", session_uid(self.guild_id, entry.session_id))
        ev.add("dtstamp", self.stamp)
        ev.add("sequence", self.sequence)
        ev.add("summary", self.text(entry.title))
        ev.add("dtstart", slot.start.astimezone(UTC))
        ev.add("dtend", entry.until(slot).astimezone(UTC))  # a session of several: its last
        ev.add("location", self.text(entry.room_name))
        ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        thread = self.threads.get(entry.session_id)
        found = [self.text(p).strip() for p in parts]
        if thread is not None:
            url = thread_url(self.guild_id, thread)
            ev.add("url", url)
            found.append(self.language.gettext("Discussion: {url}", url=url))
        description = "\n\n".join(p for p in found if p)
        if description:
            ev.add("description", description)
        ev.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        return ev


def _bytes(cal: Calendar, events: Iterable[Event]) -> bytes:
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()


def itinerary_ics(items: Sequence[ItineraryItem], *, guild_id: int, event_name: str,
                  version_id: int, descriptions: Mapping[int, str] | None = None,
                  timezone: str | None = None, now: datetime | None = None,
                  left: Sequence[ItineraryItem] = (), names: Mapping[int, str] | None = None,
                  threads: Mapping[int, int] | None = None,
                  refresh: timedelta | None = None, language: Language = ENGLISH) -> bytes:
    """One VEVENT per slot where the attendee is expected; the slot's alternatives are listed
    in the description so the file alone tells them what else they could attend. `left`: the
    sessions no longer in the itinerary, each cancelled where it was. `names`: user id →
    display name for mentions; `threads`: session id → its discussion thread; `language`:
    the file's words. A session of several slots is one VEVENT until its end, from the slot
    the attendee joins it in."""
    descriptions = descriptions or {}
    t = language
    w = _Writer(guild_id, names, threads, timezone, now, version_id, t)
    events = []
    shown: set[int] = set()
    for item in items:
        if item.expected is None or item.slot.is_break:
            continue
        if item.expected.session_id in shown:  # its later slots: in the event already
            continue
        shown.add(item.expected.session_id)
        parts = [descriptions.get(item.expected.session_id, "")]
        if item.alternatives:
            parts.append("\n".join([t.gettext("Also in this slot:"), *(
                t.gettext("- {title} ({room}; your interest: {level})", title=e.title,
                          room=e.room_name, level=level_name(level, t))
                for e, level in item.alternatives)]))
        events.append(w.event(item.expected, item.slot, parts))
    for item in left:
        if item.expected is not None:
            events.append(w.event(item.expected, item.slot, [
                t.gettext("No longer in your schedule (moved, withdrawn or replaced by a session "
                          "you rated higher): see /myschedule.")], cancelled=True))
    name = t.gettext("{event}: my sessions", event=event_name)
    return _bytes(_calendar(name, timezone, refresh), events)


def timetable_ics(timetable: PublishedTimetable, *, guild_id: int, event_name: str,
                  descriptions: Mapping[int, str] | None = None,
                  now: datetime | None = None, names: Mapping[int, str] | None = None,
                  threads: Mapping[int, int] | None = None,
                  refresh: timedelta | None = None, language: Language = ENGLISH) -> bytes:
    """One VEVENT per placed session of the published version: the admins' export, and the
    web's feeds of the whole event or one track (entries marked `withdrawn` are cancelled);
    `language`: the file's words."""
    descriptions = descriptions or {}
    w = _Writer(guild_id, names, threads, timetable.timezone, now, timetable.version_id,
                language)
    events = []
    for day in timetable.days:
        for ps in day.slots:
            if ps.slot.is_break:
                continue
            for entry in ps.entries:
                # as in the embeds: nothing said while nobody is expected yet
                people = (language.gettext("Expected attendance: {n}",
                                           n=entry.expected_attendance)
                          if entry.expected_attendance else "")
                events.append(w.event(entry, ps.slot,
                                      [descriptions.get(entry.session_id, ""), people],
                                      cancelled=entry.withdrawn))
    return _bytes(_calendar(event_name, timetable.timezone, refresh), events)
