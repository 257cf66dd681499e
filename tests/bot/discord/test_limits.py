"""Every message the bot builds fits Discord's limits with the largest input the rules allow
(titles and names of 100 characters that escaping doubles, descriptions of 1,500, hundreds of
sessions, slots and rooms), checked by the stand-in's own validation of what Discord accepts;
and nothing is lost: what does not fit in one message goes on in more, or on another page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import discord

from bot.discord import embeds
from bot.discord.errors import GENERIC
from bot.discord.interest import interest_saved
from bot.discord.reminders import reminder_text
from bot.discord.scheduling import preview_message
from bot.discord.setup import settings_text
from bot.discord.timetable import timetable_pages
from bot.event import changes, explain
from bot.event.models import (
    DayView,
    Entry,
    EventSettings,
    ItineraryItem,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    RoomView,
    ScheduleVersion,
    SessionView,
    SlotView,
    TimetableView,
    Unscheduled,
)
from bot.event.preview import preview
from bot.jobs.reminders import Reminder
from tests.e2e.fake_discord.messages import validate_embeds

#: 100 characters that `embeds.literal` turns into 200.
TITLE = "_*" * 50
NAME = "[]" * 50
DESCRIPTION = ("A long description, " * 75)[:1500]
START = datetime(2026, 7, 6, 7, tzinfo=UTC)


def accepted(content: str = "", found: list[discord.Embed] = ()) -> None:
    """Discord would take this message (content and embeds)."""
    assert len(content) <= 2000, len(content)
    validate_embeds([e.to_dict() for e in found])


def session(i: int, description: str = DESCRIPTION, status: str = "public") -> SessionView:
    return SessionView(i, f"{i:04d}{TITLE}"[:100], description, 10**18 + i, NAME, status,
                       100, 999, None)


def slot(i: int, is_break: bool = False) -> SlotView:
    start = START + timedelta(minutes=50 * i)
    return SlotView(i + 1, 1, start, start + timedelta(minutes=45), is_break, True, NAME)


def entry(i: int, room: int) -> Entry:
    return Entry(i, f"{i:05d}{TITLE}"[:100], 10**18 + i, room, f"{room:03d}{NAME}"[:100], 999)


def big_day(slots: int, rooms: int) -> PublishedDay:
    return PublishedDay(date(2026, 7, 6), NAME, tuple(
        PublishedSlot(slot(s), tuple(entry(1000 * s + r, r) for r in range(rooms)))
        for s in range(slots)))


def titles_in(found: list[discord.Embed]) -> str:
    """Every text of the embeds."""
    return "\n".join(filter(None, [t for e in found for t in (
        e.title, e.description, *(x for f in e.fields for x in (f.name, f.value)))]))


def shifted(day: PublishedDay) -> PublishedDay:
    """The same day with every session moved one slot later (the last to the first)."""
    n = len(day.slots)
    return PublishedDay(day.date, day.label, tuple(
        PublishedSlot(ps.slot, day.slots[(i - 1) % n].entries) for i, ps in enumerate(day.slots)))


def test_a_session_post() -> None:
    for status in ("public", "pending", "withdrawn"):
        e = embeds.session_embed(session(1, status=status), thread_id=10**19)
        accepted(found=[e])
        assert DESCRIPTION in e.description and embeds.literal(TITLE)[:100] in e.title


def test_ten_sessions_with_long_descriptions_page_within_limits() -> None:
    many = [session(i, description=("x" * 1400)) for i in range(10)]
    e, page, pages = embeds.sessions_page(many, 1)
    accepted(found=[e])
    assert (page, pages) == (1, 1) and len(e.fields) == 10


def test_hundreds_of_sessions_are_all_on_some_page() -> None:
    many = [session(i) for i in range(500)]
    seen = []
    e, page, pages = embeds.sessions_page(many, 1)
    for n in range(1, pages + 1):
        e, page, _ = embeds.sessions_page(many, n)
        accepted(found=[e])
        assert page == n and 1 <= len(e.fields) <= 10
        seen += [int(f.name.split()[0][1:]) for f in e.fields]
    assert seen == [s.id for s in many]
    assert embeds.sessions_page(many, 10**6)[1] == pages  # past the end: the last page


def test_the_posted_timetable_of_a_huge_day() -> None:
    day = big_day(40, 100)
    threads = {e.session_id: 10**19 + e.session_id for ps in day.slots for e in ps.entries}
    tt = PublishedTimetable(1, "UTC", (day, big_day(3, 2)))
    messages = embeds.timetable_messages(tt, {e.session_id: 100 for ps in day.slots
                                              for e in ps.entries}, threads, 10**18)
    for _, found in messages:
        accepted(found=found)
    text = titles_in([e for _, m in messages for e in m])
    assert all(embeds.literal(e.title) in text for ps in day.slots for e in ps.entries)
    for found in embeds.agenda_messages(day, threads, 10**18):
        accepted(found=found)


def test_up_next_for_a_slot_of_a_hundred_rooms() -> None:
    ps = big_day(1, 100).slots[0]
    messages = embeds.split_messages(embeds.up_next_embeds(ps, {}, 10**18))
    for found in messages:
        accepted(found=found)
    text = titles_in([e for m in messages for e in m])
    assert all(embeds.literal(e.title) in text for e in ps.entries)


def test_my_schedule_and_its_clashes_over_hundreds_of_slots() -> None:
    day = big_day(300, 4)
    items = [ItineraryItem(ps.slot, ps.entries[0], 100,
                           tuple((e, 75) for e in ps.entries[1:])) for ps in day.slots]
    levels = {e.session_id: 100 for ps in day.slots for e in ps.entries}
    found = explain.clashes(PublishedTimetable(1, "UTC", (day,)), levels, embeds.discord_time,
                            esc=embeds.literal)
    shown = embeds.itinerary_embeds(items) + embeds.described(
        "Clashes among the sessions you want", [c.text for c in found], sep="\n\n")
    messages = embeds.split_messages(shown)
    for message in messages:
        accepted("Your schedule is attached as a calendar file…", message)
    text = titles_in([e for m in messages for e in m])
    assert all(embeds.literal(ps.entries[0].title) in text for ps in day.slots)
    assert len(found) == 300 and all(c.text[:50] in text for c in found)


def test_the_scheduling_preview_with_hundreds_of_moves_and_sessions_left_out() -> None:
    rooms = [RoomView(r, f"{r:03d}{NAME}"[:100], 1, None, None) for r in range(20)]
    before = PublishedTimetable(1, "UTC", (big_day(20, 20),))
    after = PublishedTimetable(2, "UTC", (shifted(big_day(20, 20)),))
    left_out = tuple(Unscheduled(9000 + i, f"{i:04d}{TITLE}"[:100], "more sessions than places")
                     for i in range(300))
    v = ScheduleVersion(2, "", "feasible", 10**9, 10**9, 10**8, 600.0, 400, 400, left_out, False)
    p = preview(v, after, before, None, rooms, embeds.discord_time, embeds.literal)
    assert len(p.moves) > 300 and len(p.over_capacity) > 300
    shown, moves_file = preview_message(p)
    accepted("Done in 600.0s.", shown)
    assert moves_file is not None  # every move in the attached file
    unplaced = shown[0].fields[-3 if p.gain is not None else -2].value
    assert unplaced.endswith("more.")


def timetable(days: int, slots: int, rooms: int) -> TimetableView:
    return TimetableView("America/Argentina/ComodRivadavia", tuple(
        DayView(d + 1, date(2026, 7, 6 + d), NAME, tuple(
            SlotView(1000 * d + s, d + 1, START, START, s % 4 == 3, True, NAME)
            for s in range(slots)))
        for d in range(days)), tuple(RoomView(r + 1, NAME, 100_000, None, 10**19)
                                     for r in range(rooms)))


def test_the_timetable_show_reaches_every_day_slot_and_room() -> None:
    for days, slots, rooms in ((3, 12, 10), (10, 40, 200)):
        tv = timetable(days, slots, rooms)
        found = timetable_pages(tv)
        pages = len(found)
        for e in found:
            accepted(found=[e])
        text = "\n".join(e.description for e in found)
        lines = text.split("\n")
        assert len([x for x in lines if x.startswith("**Day #")
                    and not x.endswith("(continued)")]) == days
        assert text.count("Slot #") == days * slots
        assert text.count("Room #") == rooms
        for d in tv.days:
            assert f"**Day #{d.id}**" in text
            assert all(f"Slot #{s.id}: " in text for s in d.slots)
        assert all(f"Room #{r.id}: " in text for r in tv.rooms)
        assert [e.footer.text.split()[1] for e in found] == [
            f"{i}/{pages}" for i in range(1, pages + 1)]
        # a day going on over a page break is named again at the top of the next page
        assert all(e.description.startswith(("Timezone", "**Day #", "**Rooms**"))
                   for e in found)


def test_a_change_notice_about_hundreds_of_sessions() -> None:
    day = big_day(20, 20)
    moved = changes.moves(PublishedTimetable(1, "UTC", (day,)),
                          PublishedTimetable(2, "UTC", (shifted(day),)))
    (notice,) = [n for n in changes.notices(moved, {m.session_id: {7: 100} for m in moved})
                 if n.user_id == 7]
    text = changes.notice_text(notice, embeds.discord_time, NAME, embeds.literal)
    fitted = embeds.fit_lines(text.split("\n"), embeds.CONTENT)
    accepted(fitted)
    assert fitted.endswith("more.") and fitted.startswith("📅")


def test_short_texts_with_the_longest_names() -> None:
    settings = EventSettings(1, NAME, "America/Argentina/ComodRivadavia", True, True, True,
                             True, 10**19, 10**19, 10**19, 10**19, 10**19, 10**19, "A" * 32)
    accepted(settings_text(settings))
    accepted(reminder_text(Reminder(1, 2, slot(1), entry(1, 1), 120), settings))
    accepted(interest_saved(TITLE, 100))
    accepted(str(GENERIC))


def test_fit_lines_keeps_whole_lines_and_counts_the_rest() -> None:
    assert embeds.fit_lines(["a", "b"], 10) == "a\nb"
    assert embeds.fit_lines([], 10) == ""
    lines = [f"line {i}" for i in range(100)]
    out = embeds.fit_lines(lines, 50)
    assert len(out) <= 50 and out.endswith("more.")
    kept = out.split("\n")[:-1]
    assert kept == lines[:len(kept)] and out.endswith(f"…and {100 - len(kept)} more.")
    assert len(embeds.fit_lines(["x" * 80, "y"], 50)) <= 50  # a first line too long is cut
