"""The pages and feeds as pure functions of a snapshot: the filters (day, room, track) and the
track feeds, titles escaped, the personal page with a cancelled session."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime

from icalendar import Calendar

from bot.event.models import ItineraryItem, WebTimetable
from bot.web import pages
from tests.bot.timetables import build

PUBLISHED = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def snapshot(**kw) -> WebTimetable:
    tt = build(days=2, slots_per_day=3, rooms=3, version_id=4,
               title=lambda sid: f"Session {sid}" if sid != 5 else "<b>Bold</b> & co")
    ids = [e.session_id for d in tt.days for ps in d.slots for e in ps.entries]
    return WebTimetable(guild_id=1001, event_name="Test camp", published_at=PUBLISHED,
                        timetable=tt, hosts={i: f"Host {i}" for i in ids},
                        tracks={i: ("Security" if i % 2 else "Kernel") for i in ids}, **kw)


def titles(page: str) -> set[str]:
    """The session titles shown, as the reader sees them."""
    return {html.unescape(t) for t in re.findall(
        r"<h4>(?:<span class=\"tag\">Cancelled</span> )?(.*?)</h4>", page)}


def test_filters_show_one_day_room_or_track():
    snap = snapshot()
    page = pages.event_page(snap, "https://x.org", "k" * 22, pages.Filters())
    every = titles(page)
    assert len(every) == 18 and "<b>Bold</b> & co" in every
    assert "<b>" not in page and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page
    by_track = pages.Filters.of({"track": "Kernel"}, snap.timetable, snap.tracks)
    kernel = titles(pages.event_page(snap, "https://x.org", "k" * 22, by_track))
    assert kernel == {f"Session {i}" for i in range(2, 19, 2)}
    by_day = pages.Filters.of({"day": "2026-07-07", "room": "2"}, snap.timetable, snap.tracks)
    assert by_day.day == date(2026, 7, 7) and by_day.room_id == 2
    html = pages.event_page(snap, "https://x.org", "k" * 22, by_day)
    assert titles(html) == {"Session 11", "Session 14", "Session 17"}
    assert 'href="webcal://x.org/e/kkkkkkkkkkkkkkkkkkkkkk/track/Kernel.ics"' in html


def test_unknown_filter_values_mean_everything():
    snap = snapshot()
    for query in ({"day": "2026-13-01"}, {"room": "99"}, {"track": "<script>"},
                  {"day": "x" * 5000}):
        assert pages.Filters.of(query, snap.timetable, snap.tracks) == pages.Filters()


def test_a_track_feed_holds_that_track_only():
    snap = snapshot()
    cal = Calendar.from_ical(pages.event_feed(snap, "Security"))
    assert str(cal["X-WR-CALNAME"]) == "Test camp: Security"
    summaries = {str(ev["SUMMARY"]) for ev in cal.walk("VEVENT")}
    assert len(summaries) == 9 and "<b>Bold</b> & co" in summaries
    assert all(ev.decoded("DTSTAMP") == PUBLISHED for ev in cal.walk("VEVENT"))


def test_the_personal_page_shows_a_cancelled_session_struck_out():
    snap = snapshot()
    day = snap.timetable.days[0]
    first, second = day.slots[0], day.slots[1]
    gone = replace(first.entries[0], withdrawn=True)
    moved = second.entries[2]  # left the itinerary but still takes place: not on the page
    tt = replace(snap.timetable, days=(replace(day, slots=(
        replace(first, entries=(gone, *first.entries[1:])), *day.slots[1:])),
        *snap.timetable.days[1:]))
    items = (ItineraryItem(first.slot, None, 0), ItineraryItem(second.slot,
                                                               second.entries[1], 75))
    left = (ItineraryItem(first.slot, gone, 100), ItineraryItem(first.slot, moved, 75))
    mine = replace(snap, timetable=tt, user_id=7, items=items, left=left)
    page = pages.personal_page(mine, "https://x.org", "k" * 22, "t" * 43)
    assert titles(page) == {gone.title, second.entries[1].title}
    assert '<span class="tag">Cancelled</span> Session 1' in page
    cal = Calendar.from_ical(pages.personal_feed(mine))
    status = {str(ev["SUMMARY"]): str(ev["STATUS"]) for ev in cal.walk("VEVENT")}
    assert status == {gone.title: "CANCELLED", moved.title: "CANCELLED",
                      html.unescape(second.entries[1].title): "CONFIRMED"}
