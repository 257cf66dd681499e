"""HTML pages and calendar feeds from a `WebTimetable`, pure functions of the snapshot.

Jinja2 with autoescaping on for every template: titles, descriptions and names are user text.
The server writes times in the event's zone; timetable.js rewrites them in the reader's zone
(with a switch back), so the page reads right without script too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

import jinja2

from bot.event import calendar
from bot.event.models import Entry, PublishedTimetable, WebTimetable
from bot.event.times import zone
from bot.event.web import only

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


def _entries(tt: PublishedTimetable) -> list[Entry]:
    return [e for d in tt.days for ps in d.slots for e in ps.entries]


def _urls(snap: WebTimetable) -> dict[int, str]:
    return {sid: calendar.thread_url(snap.guild_id, t) for sid, t in snap.threads.items()}


def webcal(url: str) -> str:
    """The subscribe link calendar apps open (webcal: is their scheme for a feed over HTTP)."""
    return "webcal" + url[url.index(":"):]


def _context(snap: WebTimetable, base: str) -> dict:
    tz = zone(snap.timetable.timezone)

    def clock(at: datetime) -> str:
        return at.astimezone(tz).strftime("%H:%M")

    def iso(at: datetime) -> str:
        return at.isoformat().replace("+00:00", "Z")

    def text(raw: str) -> str:  # Discord's markup (<@123>, <t:…>) in words, as in calendars
        return calendar.plain(raw, snap.names, guild_id=snap.guild_id,
                              timezone=snap.timetable.timezone)
    return {"event_name": snap.event_name, "timezone": snap.timetable.timezone,
            "version": snap.timetable.version_id, "published": snap.published_at.astimezone(tz),
            "hosts": snap.hosts, "descriptions": snap.descriptions, "threads": _urls(snap),
            "tracks": snap.tracks, "clock": clock, "iso": iso, "text": text, "base": base}


def event_page(snap: WebTimetable, base: str, key: str, filters: Filters) -> str:
    tt = snap.timetable
    rooms = sorted({(e.room_id, e.room_name) for e in _entries(tt)})
    feed = f"{base}/e/{key}/calendar.ics"
    track_feeds = [(t, f"{base}/e/{key}/track/{quote(t, safe='')}.ics")
                   for t in sorted(set(snap.tracks.values()))]
    return _env.get_template("event.html").render(
        **_context(snap, base), key=key, filters=filters,
        days=only(tt, day=filters.day, room_id=filters.room_id, track=filters.track,
                  tracks=snap.tracks).days,
        all_days=tt.days, rooms=rooms, track_names=sorted(set(snap.tracks.values())),
        feed=feed, webcal=webcal(feed), track_feeds=[(t, u, webcal(u)) for t, u in track_feeds],
        placed=len([e for e in _entries(tt) if not e.withdrawn]))


def personal_page(snap: WebTimetable, base: str, key: str, token: str) -> str:
    feed = f"{base}/e/{key}/p/{token}/calendar.ics"
    return _env.get_template("personal.html").render(
        **_context(snap, base), key=key, days=_personal_days(snap), feed=feed,
        webcal=webcal(feed), event_url=f"{base}/e/{key}")


def not_found_page() -> str:
    return _env.get_template("not_found.html").render()


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

def event_feed(snap: WebTimetable, track: str | None = None) -> bytes:
    tt = snap.timetable if track is None else only(snap.timetable, track=track,
                                                   tracks=snap.tracks)
    name = snap.event_name if track is None else f"{snap.event_name}: {track}"
    return calendar.timetable_ics(tt, guild_id=snap.guild_id, event_name=name,
                                  descriptions=snap.descriptions, now=snap.published_at,
                                  names=snap.names, threads=snap.threads, refresh=REFRESH)


def personal_feed(snap: WebTimetable) -> bytes:
    return calendar.itinerary_ics(
        snap.items, guild_id=snap.guild_id, event_name=snap.event_name,
        version_id=snap.timetable.version_id, descriptions=snap.descriptions,
        timezone=snap.timetable.timezone, now=snap.published_at, left=snap.left,
        names=snap.names, threads=snap.threads, refresh=REFRESH)
