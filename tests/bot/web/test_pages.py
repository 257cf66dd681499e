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
from tests.bot.timetables import build, lengthen

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


def test_a_session_of_several_slots_shows_over_them_and_in_one_feed_event():
    """Session 2 takes the first two slots of Monday in its room: the page shows it once with
    its end, then goes on in its room in the second slot (filtered by room too); the feed has
    one event ending with its last slot; the personal page says it goes on."""
    snap = snapshot()
    tt = lengthen(snap.timetable, 2, 2)
    snap = replace(snap, timetable=tt)
    first, second = tt.days[0].slots[0], tt.days[0].slots[1]
    (long,) = [e for e in first.entries if e.session_id == 2]
    page = pages.event_page(snap, "https://x.org", "k" * 22, pages.Filters())
    assert "Session 5" not in titles(page)  # it was in that room in the second slot
    until = f'until <time datetime="{long.ends.isoformat().replace("+00:00", "Z")}">'
    assert until in page and "(2 slots)" in page
    assert re.search(r"↳ Session 2 · <span class=\"room\">Workshop room</span> · continued, "
                     r"until <time", page)
    by_room = pages.Filters.of({"room": str(long.room_id)}, tt, snap.tracks)
    assert "↳ Session 2 · " in pages.event_page(snap, "https://x.org", "k" * 22, by_room)
    cal = Calendar.from_ical(pages.event_feed(snap))
    (ev,) = [ev for ev in cal.walk("VEVENT") if str(ev["SUMMARY"]) == "Session 2"]
    assert (ev.decoded("DTSTART"), ev.decoded("DTEND")) == (first.slot.start, second.slot.end)
    items = (ItineraryItem(first.slot, long, 100),
             ItineraryItem(second.slot, long, 100, continued=True))
    mine = replace(snap, user_id=7, items=items)
    page = pages.personal_page(mine, "https://x.org", "k" * 22, "t" * 43)
    assert titles(page) == {"Session 2"} and "↳ Session 2 · " in page
    (ev,) = Calendar.from_ical(pages.personal_feed(mine)).walk("VEVENT")
    assert (ev.decoded("DTSTART"), ev.decoded("DTEND")) == (first.slot.start, second.slot.end)


def test_a_time_inside_a_sentence_keeps_its_place_in_every_language():
    from markupsafe import Markup

    from bot.i18n import language
    from bot.web.pages import Words

    at = Markup('<time datetime="2026-07-06T09:15:00Z">11:15</time>')
    assert Words(language("en")).until(at) == "until " + at
    assert Words(language("de")).continued_until(at) == "Fortsetzung, bis " + at
