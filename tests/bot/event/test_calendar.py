"""The .ics files parse back per RFC 5545 and hold the right events, times and text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from icalendar import Calendar

from bot.event.calendar import itinerary_ics, session_uid, timetable_ics
from bot.event.models import ItineraryItem
from tests.bot.timetables import build, entry, slot

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
GUILD = 1001


def _parse(data: bytes) -> tuple[Calendar, list]:
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    assert "\r\n" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cal = Calendar.from_ical(data)
    return cal, list(cal.walk("VEVENT"))


def _check_calendar(cal: Calendar, name: str) -> None:
    assert cal["VERSION"] == "2.0"
    assert "session-scheduler" in str(cal["PRODID"])
    assert cal["CALSCALE"] == "GREGORIAN"
    assert str(cal["X-WR-CALNAME"]).startswith(name)


def _check_event(ev) -> None:
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"):
        assert prop in ev, prop
    assert ev.decoded("DTSTART").tzinfo is not None
    assert ev.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert ev.decoded("DTEND") > ev.decoded("DTSTART")


def test_whole_timetable_one_event_per_placed_session():
    tt = build(days=2, slots_per_day=3, rooms=3, version_id=7)
    cal, events = _parse(timetable_ics(tt, guild_id=GUILD, event_name="Test camp", now=NOW))
    _check_calendar(cal, "Test camp")
    assert cal["X-WR-TIMEZONE"] == "Europe/Brussels"
    placed = {e.session_id: (ps.slot, e) for d in tt.days for ps in d.slots for e in ps.entries}
    assert len(events) == len(placed) == 18
    assert len({str(ev["UID"]) for ev in events}) == len(events)
    for ev in events:
        _check_event(ev)
        sid = int(str(ev["UID"]).split("-")[2].split("@")[0])
        s, e = placed[sid]
        assert str(ev["UID"]) == session_uid(GUILD, sid)
        assert ev.decoded("DTSTART") == s.start and ev.decoded("DTEND") == s.end
        assert str(ev["SUMMARY"]) == e.title and str(ev["LOCATION"]) == e.room_name
        assert ev["SEQUENCE"] == 7
        assert ev.decoded("DTSTAMP") == NOW
        assert f"Expected attendance: {e.expected_attendance}" in str(ev["DESCRIPTION"])


def test_newer_version_keeps_uids_and_raises_sequence():
    old = timetable_ics(build(version_id=3), guild_id=GUILD, event_name="x", now=NOW)
    new = timetable_ics(build(version_id=4), guild_id=GUILD, event_name="x", now=NOW)
    old_events, new_events = _parse(old)[1], _parse(new)[1]
    assert {str(e["UID"]) for e in old_events} == {str(e["UID"]) for e in new_events}
    assert all(n["SEQUENCE"] > o["SEQUENCE"] for o, n in zip(old_events, new_events, strict=True))


def test_itinerary_expected_sessions_with_description_and_alternatives():
    s1 = slot(1, datetime(2026, 7, 6, 7, 30, tzinfo=UTC))
    s2 = slot(2, datetime(2026, 7, 6, 8, 30, tzinfo=UTC))
    brk = slot(3, datetime(2026, 7, 6, 9, 15, tzinfo=UTC), 30, is_break=True)
    s4 = slot(4, datetime(2026, 7, 6, 9, 45, tzinfo=UTC))
    a, b, c = entry(1, "Live patching", 0), entry(2, "Rust in Xen", 1), entry(3, "Docs", 2)
    items = [ItineraryItem(s1, a, 100, ((b, 75), (c, 25))),
             ItineraryItem(s2, None, 0),
             ItineraryItem(brk, None, 0),
             ItineraryItem(s4, c, 75)]
    data = itinerary_ics(items, guild_id=GUILD, event_name="Test camp", version_id=2,
                         descriptions={1: "How we patch a running hypervisor."},
                         timezone="Europe/Brussels", now=NOW)
    cal, events = _parse(data)
    _check_calendar(cal, "Test camp")
    assert [str(e["SUMMARY"]) for e in events] == ["Live patching", "Docs"]
    for ev in events:
        _check_event(ev)
    first = events[0]
    assert first.decoded("DTSTART") == s1.start and first.decoded("DTEND") == s1.end
    text = str(first["DESCRIPTION"])
    assert text.startswith("How we patch a running hypervisor.")
    assert "Rust in Xen (Workshop room; your interest: yes)" in text
    assert "Docs (Garden; your interest: a little)" in text
    assert "DESCRIPTION" not in events[1]  # no description, no alternatives: no empty property


def test_escaping_and_unicode_survive_a_round_trip():
    title = 'Commas, semicolons; back\\slash and\nnewlines: "quoted"'
    unicode_title = "Ünïcødé 日本語のセッション 🚀 " + "long " * 30
    s1 = slot(1, datetime(2026, 7, 6, 7, 30, tzinfo=UTC))
    s2 = slot(2, datetime(2026, 7, 6, 8, 30, tzinfo=UTC))
    items = [ItineraryItem(s1, entry(1, title, 0), 100),
             ItineraryItem(s2, entry(2, unicode_title, 1), 75)]
    data = itinerary_ics(items, guild_id=GUILD, event_name="Café; camp, 2026", version_id=1,
                         descriptions={2: "Línea 1\nLine 2; with, punctuation"}, now=NOW)
    raw = data.decode()
    assert "Commas\\, semicolons\\; back\\\\slash and\\nnewlines" in raw
    cal, events = _parse(data)
    assert str(cal["X-WR-CALNAME"]) == "Café; camp, 2026: my sessions"
    assert str(events[0]["SUMMARY"]) == title
    assert str(events[1]["SUMMARY"]) == unicode_title
    assert str(events[1]["DESCRIPTION"]) == "Línea 1\nLine 2; with, punctuation"


def test_empty_itinerary_is_a_valid_calendar_without_events():
    data = itinerary_ics([], guild_id=GUILD, event_name="Test camp", version_id=1, now=NOW)
    cal, events = _parse(data)
    _check_calendar(cal, "Test camp")
    assert events == []
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_mentions_and_discord_markup_are_written_out_as_words():
    s1 = slot(1, datetime(2026, 7, 6, 7, 30, tzinfo=UTC))
    items = [ItineraryItem(s1, entry(1, "Pairing with <@42>", 0), 100)]
    description = ("Hosted by <@42> and <@!43>, ask <@99>; for <@&7> in <#555>. "
                   "Starts <t:1783323000:R> <:party:123456789> — see </schedule:987654321>")
    data = itinerary_ics(items, guild_id=GUILD, event_name="Test camp", version_id=1,
                         descriptions={1: description}, names={42: "Alice", 43: "Bob"},
                         timezone="Europe/Brussels", now=NOW)
    _, [ev] = _parse(data)
    assert str(ev["SUMMARY"]) == "Pairing with @Alice"
    text = str(ev["DESCRIPTION"])
    assert text == ("Hosted by @Alice and @Bob, ask @someone; for @role in "
                    f"https://discord.com/channels/{GUILD}/555. Starts 2026-07-06 09:30 "
                    "(Europe/Brussels) :party: — see /schedule")
    assert "<@" not in data.decode() and "<t:" not in data.decode()


def test_each_event_links_to_its_sessions_thread():
    tt = build(days=1, slots_per_day=1, rooms=2, version_id=3)
    threads = {1: 9001}  # only session 1 has a thread
    _, events = _parse(timetable_ics(tt, guild_id=GUILD, event_name="x", now=NOW,
                                     threads=threads))
    by_uid = {str(ev["UID"]): ev for ev in events}
    linked = by_uid[session_uid(GUILD, 1)]
    url = f"https://discord.com/channels/{GUILD}/9001"
    assert str(linked["URL"]) == url and str(linked["DESCRIPTION"]).endswith(f"Discussion: {url}")
    other = by_uid[session_uid(GUILD, 2)]
    assert "URL" not in other and "discord.com" not in str(other.get("DESCRIPTION", ""))


def test_sessions_that_left_the_itinerary_are_cancelled_with_the_same_uid():
    s1 = slot(1, datetime(2026, 7, 6, 7, 30, tzinfo=UTC))
    s2 = slot(2, datetime(2026, 7, 6, 8, 30, tzinfo=UTC))
    kept, moved_away = entry(1, "Kept", 0), entry(2, "Withdrawn talk", 1)
    data = itinerary_ics([ItineraryItem(s1, kept, 100)], guild_id=GUILD, event_name="x",
                         version_id=5, now=NOW, left=[ItineraryItem(s2, moved_away, 75)])
    _, events = _parse(data)
    status = {str(ev["SUMMARY"]): (str(ev["STATUS"]), ev["SEQUENCE"], str(ev["UID"]))
              for ev in events}
    assert status == {"Kept": ("CONFIRMED", 5, session_uid(GUILD, 1)),
                      "Withdrawn talk": ("CANCELLED", 5, session_uid(GUILD, 2))}
    cancelled = next(ev for ev in events if str(ev["STATUS"]) == "CANCELLED")
    assert cancelled.decoded("DTSTART") == s2.start and str(cancelled["TRANSP"]) == "TRANSPARENT"


def test_nobody_expected_yet_is_not_said_as_in_the_embeds():
    tt = build(days=1, slots_per_day=1, rooms=1)
    day = tt.days[0]
    (ps,) = day.slots
    nobody = tuple(replace(e, expected_attendance=0) for e in ps.entries)
    zero = replace(tt, days=(replace(day, slots=(replace(ps, entries=nobody),)),))
    _, [ev] = _parse(timetable_ics(zero, guild_id=GUILD, event_name="x", now=NOW))
    assert "DESCRIPTION" not in ev


def test_a_calendar_in_german_says_everything_in_german():
    """The files are written in the event's language: the alternatives, the interest levels,
    the cancelled session's note, the thread's link, the calendar's name."""
    from bot.i18n import language
    de = language("de")
    s1 = slot(1, datetime(2026, 7, 6, 7, 30, tzinfo=UTC))
    s2 = slot(2, datetime(2026, 7, 6, 8, 30, tzinfo=UTC))
    a, b, c = entry(1, "Live-Patching", 0), entry(2, "Rust", 1), entry(3, "Doku", 2)
    data = itinerary_ics([ItineraryItem(s1, a, 100, ((b, 75),))], guild_id=GUILD,
                         event_name="Camp", version_id=2, now=NOW, threads={1: 9001},
                         left=[ItineraryItem(s2, c, 75)], language=de,
                         descriptions={1: "Mit <@42> und <@&7>."}, names={})
    cal, events = _parse(data)
    assert str(cal["X-WR-CALNAME"]) == "Camp: meine Sessions"
    text = str(events[0]["DESCRIPTION"])
    assert text.startswith("Mit @jemand und @Rolle.")
    assert "Außerdem in diesem Zeitfenster:\n- Rust (Workshop room; dein Interesse: ja)" in text
    assert text.endswith("Diskussion: https://discord.com/channels/1001/9001")
    assert str(events[1]["DESCRIPTION"]).startswith("Nicht mehr in deinem Zeitplan")
    assert "/mein-zeitplan" in str(events[1]["DESCRIPTION"])
    tt = build(days=1, slots_per_day=1, rooms=1, version_id=3)
    _, events = _parse(timetable_ics(tt, guild_id=GUILD, event_name="Camp", now=NOW,
                                     language=de))
    assert str(events[0]["DESCRIPTION"]).startswith("Erwartete Teilnahme: ")
