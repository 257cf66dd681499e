"""HTML pages and calendar feeds from a `WebTimetable`, pure functions of the snapshot.

Jinja2 with autoescaping on for every template: titles, descriptions and names are user text.
The server writes times in the event's zone; timetable.js rewrites them in the reader's zone
(with a switch back), so the page reads right without script too. The words are the event's
language (its server's, `language`): the templates take them from `Words`, whose texts are in
the catalogs like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

import jinja2
from babel.dates import format_date
from markupsafe import Markup, escape

from bot.event import calendar
from bot.event.models import Entry, PublishedTimetable, WebTimetable
from bot.event.times import zone
from bot.event.web import only
from bot.i18n import ENGLISH, SOURCE, Language

#: How often calendar apps are asked to fetch a feed again.
REFRESH = timedelta(minutes=30)

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.web", "templates"),
    autoescape=True,  # every template, whatever its name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True, slots=True)
class Filters:
    """The page's filters, as checked from the query: unknown values mean "all"."""

    day: date | None = None
    room_id: int | None = None
    track: str | None = None

    @classmethod
    def of(cls, query: dict[str, str], tt: PublishedTimetable,
           tracks: dict[int, str]) -> Filters:
        days = {d.date.isoformat(): d.date for d in tt.days}
        rooms = {str(e.room_id): e.room_id for e in _entries(tt)}
        return cls(days.get(query.get("day", "")), rooms.get(query.get("room", "")),
                   query.get("track") if query.get("track") in set(tracks.values()) else None)

    @property
    def active(self) -> bool:
        return (self.day, self.room_id, self.track) != (None, None, None)


class Words:
    """The pages' words in one language, for the templates: texts, and the sentences around
    the snapshot's values (Jinja escapes what they return, like any value)."""

    def __init__(self, language: Language):
        t = self.t = language
        self.lang = str(language.locale).replace("_", "-")
        self._source = language.code == SOURCE  # English keeps its day-first dates
        self.skip = t.gettext("Skip to the timetable")
        self.subscribe = t.gettext("Subscribe in your calendar app")
        self.feed = t.gettext("Calendar feed (.ics)")
        self.filters = t.gettext("Filters")
        self.day = t.gettext("Day")
        self.all_days = t.gettext("All days")
        self.track = t.gettext("Track")
        self.all_tracks = t.gettext("All tracks")
        self.room = t.gettext("Room")
        self.all_rooms = t.gettext("All rooms")
        self.show = t.gettext("Show")
        self.show_everything = t.gettext("Show everything")
        self.break_ = t.gettext("Break")
        self.no_match = t.gettext("No session matches these filters.")
        self.footer = t.gettext("Served by session-scheduler. Personal schedules: /myschedule "
                                "in the event's Discord server.")
        self.cancelled = t.gettext("Cancelled")
        self.about = t.gettext("About this session")
        self.times_in = t.gettext("Times in")
        self.yours = t.gettext("yours")
        self.my_schedule = t.gettext("My schedule")
        self.private = t.gettext("This page is yours: anyone with its address can read it. "
                                 "/myschedule link: new in Discord replaces the address and "
                                 "stops this one.")
        self.whole = t.gettext("The whole timetable")
        self.nothing_yet = t.gettext("Nothing on your schedule yet: rate the sessions you want "
                                     "with /interest in Discord.")
        self.not_found = t.gettext("Not found")
        self.no_timetable = t.gettext("There is no timetable at this address. The link may be "
                                      "mistyped, replaced by a newer one, or the timetable not "
                                      "published yet.")
        self.links_in_discord = t.gettext("Attendees get their links with /myschedule in the "
                                          "event's Discord server.")
        self.now = t.gettext("Now")

    def page_title(self, event: str) -> str:
        return self.t.gettext("{event}: timetable", event=event)

    def personal_title(self, event: str) -> str:
        return self.t.gettext("My schedule: {event}", event=event)

    def calendar_link(self, event: str) -> str:
        return self.t.gettext("{event} (calendar)", event=event)

    def published(self, version: int, placed: int, when: datetime, timezone: str) -> str:
        return self.t.ngettext(
            "Version {version} of the timetable, {n} session, published {date}, {time} "
            "({zone}).",
            "Version {version} of the timetable, {n} sessions, published {date}, {time} "
            "({zone}).", placed, version=version,
            date=format_date(when.date(), "dd MMM y" if self._source else "medium",
                             locale=self.t.locale),
            time=when.strftime("%H:%M"), zone=timezone)

    def subscribe_track(self, track: str) -> str:
        return self.t.gettext("Subscribe to {track}", track=track)

    def day_name(self, day: date) -> str:
        return self.t.day_name(day)

    def date(self, day: date) -> str:
        return format_date(day, "dd MMMM y" if self._source else "long", locale=self.t.locale)

    def by(self, host: str) -> str:
        return self.t.gettext("by {host}", host=host)

    def track_of(self, track: str) -> str:
        return self.t.gettext("Track: {track}", track=track)

    def until(self, time: Markup) -> Markup:
        """A session of several slots where it starts: "until 11:15", `time` its end."""
        return _around(self.t.gettext("until {time}", time=_HOLE), time)

    def continued_until(self, time: Markup) -> Markup:
        """In its later slots: "continued, until 11:15"."""
        return _around(self.t.gettext("continued, until {time}", time=_HOLE), time)

    def slots(self, n: int) -> str:
        return self.t.ngettext("{n} slot", "{n} slots", n)

    def expected(self, n: int) -> str:
        return self.t.ngettext("{n} expected", "{n} expected", n)

    def discuss(self, title: str) -> str:
        return self.t.gettext("Discuss “{title}” in Discord", title=title)

    def zone_note(self, timezone: str) -> str:
        return self.t.gettext("Times are in {zone}, the event's time zone.", zone=timezone)

    def your_zone(self) -> str:
        return self.t.gettext("your time zone")

    def event_zone(self, timezone: str) -> str:
        return self.t.gettext("the event's time zone ({zone})", zone=timezone)

    def also(self) -> str:
        return self.t.gettext("Also of interest then:")


def _entries(tt: PublishedTimetable) -> list[Entry]:
    return [e for d in tt.days for ps in d.slots for e in ps.entries]


def _urls(snap: WebTimetable) -> dict[int, str]:
    return {sid: calendar.thread_url(snap.guild_id, t) for sid, t in snap.threads.items()}


#: Where markup goes in a translated sentence (which is escaped around it).
_HOLE = "\x00"


def _around(sentence: str, inner: Markup) -> Markup:
    before, _, after = sentence.partition(_HOLE)
    return escape(before) + inner + escape(after)


def webcal(url: str) -> str:
    """The subscribe link calendar apps open (webcal: is their scheme for a feed over HTTP)."""
    return "webcal" + url[url.index(":"):]


def _context(snap: WebTimetable, base: str, language: Language) -> dict:
    tz = zone(snap.timetable.timezone)

    def clock(at: datetime) -> str:
        return at.astimezone(tz).strftime("%H:%M")

    def iso(at: datetime) -> str:
        return at.isoformat().replace("+00:00", "Z")

    def timed(at: datetime) -> Markup:  # a time people read and machines too
        return Markup('<time datetime="{}">{}</time>').format(iso(at), clock(at))

    def text(raw: str) -> str:  # Discord's markup (<@123>, <t:…>) in words, as in calendars
        return calendar.plain(raw, snap.names, guild_id=snap.guild_id,
                              timezone=snap.timetable.timezone, language=language)
    return {"words": Words(language), "event_name": snap.event_name,
            "timezone": snap.timetable.timezone,
            "version": snap.timetable.version_id, "published": snap.published_at.astimezone(tz),
            "hosts": snap.hosts, "descriptions": snap.descriptions, "threads": _urls(snap),
            "tracks": snap.tracks, "clock": clock, "iso": iso, "timed": timed,
            "text": text, "base": base}


def event_page(snap: WebTimetable, base: str, key: str, filters: Filters,
               language: Language = ENGLISH) -> str:
    tt = snap.timetable
    rooms = sorted({(e.room_id, e.room_name) for e in _entries(tt)})
    feed = f"{base}/e/{key}/calendar.ics"
    track_feeds = [(t, f"{base}/e/{key}/track/{quote(t, safe='')}.ics")
                   for t in sorted(set(snap.tracks.values()))]
    return _env.get_template("event.html").render(
        **_context(snap, base, language), key=key, filters=filters,
        days=only(tt, day=filters.day, room_id=filters.room_id, track=filters.track,
                  tracks=snap.tracks).days,
        all_days=tt.days, rooms=rooms, track_names=sorted(set(snap.tracks.values())),
        feed=feed, webcal=webcal(feed), track_feeds=[(t, u, webcal(u)) for t, u in track_feeds],
        placed=len([e for e in _entries(tt) if not e.withdrawn]))


def personal_page(snap: WebTimetable, base: str, key: str, token: str,
                  language: Language = ENGLISH) -> str:
    feed = f"{base}/e/{key}/p/{token}/calendar.ics"
    return _env.get_template("personal.html").render(
        **_context(snap, base, language), key=key, days=_personal_days(snap), feed=feed,
        webcal=webcal(feed), event_url=f"{base}/e/{key}")


def not_found_page(language: Language = ENGLISH) -> str:
    return _env.get_template("not_found.html").render(words=Words(language))


def _personal_days(snap: WebTimetable) -> list[tuple]:
    """Per event day: (day, [(slot, expected entry, its level, alternatives, cancelled,
    continued)]); cancelled: the sessions withdrawn since that had the attendee's place in
    that slot; continued: the expected session started in an earlier slot."""
    items = {i.slot.id: i for i in snap.items}
    gone: dict[int, list[Entry]] = {}
    for it in snap.left:
        if it.expected is not None and it.expected.withdrawn:
            gone.setdefault(it.slot.id, []).append(it.expected)
    out = []
    for d in snap.timetable.days:
        rows = []
        for ps in d.slots:
            item = items.get(ps.slot.id)
            if ps.slot.is_break:
                rows.append((ps.slot, None, 0, (), (), False))
            elif item is not None and (item.expected is not None or ps.slot.id in gone):
                rows.append((ps.slot, item.expected, item.expected_level, item.alternatives,
                             tuple(gone.get(ps.slot.id, ())), item.continued))
        if any(r[1] is not None or r[4] for r in rows):
            out.append((d, rows))
    return out


# ---------------------------------------------------------------------------------- feeds

def event_feed(snap: WebTimetable, track: str | None = None,
               language: Language = ENGLISH) -> bytes:
    tt = snap.timetable if track is None else only(snap.timetable, track=track,
                                                   tracks=snap.tracks)
    name = snap.event_name if track is None else f"{snap.event_name}: {track}"
    return calendar.timetable_ics(tt, guild_id=snap.guild_id, event_name=name,
                                  descriptions=snap.descriptions, now=snap.published_at,
                                  names=snap.names, threads=snap.threads, refresh=REFRESH,
                                  language=language)


def personal_feed(snap: WebTimetable, language: Language = ENGLISH) -> bytes:
    return calendar.itinerary_ics(
        snap.items, guild_id=snap.guild_id, event_name=snap.event_name,
        version_id=snap.timetable.version_id, descriptions=snap.descriptions,
        timezone=snap.timetable.timezone, now=snap.published_at, left=snap.left,
        names=snap.names, threads=snap.threads, refresh=REFRESH, language=language)
