"""Rendering stays within Discord's limits, whatever the size of a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.discord import embeds
from bot.event.models import Entry, PublishedDay, PublishedSlot, PublishedTimetable, SlotView


def _day(n_slots: int, rooms: int) -> PublishedDay:
    start = datetime(2026, 7, 6, 7, tzinfo=UTC)
    slots = []
    for i in range(n_slots):
        sv = SlotView(i + 1, 1, start + timedelta(minutes=30 * i),
                      start + timedelta(minutes=30 * i + 25), False, False, "")
        slots.append(PublishedSlot(sv, tuple(
            Entry(100 * i + r, "A long title @everyone " * 4, 1, r, f"Room {r}", 12)
            for r in range(rooms))))
    return PublishedDay(date(2026, 7, 6), "Monday", tuple(slots))


def test_a_big_day_is_split_within_limits() -> None:
    day = _day(40, 12)
    out = embeds.day_embeds(day)
    assert len(out) >= 2
    assert sum(len(e.fields) for e in out) == 40
    for e in out:
        assert len(e.fields) <= 25 and len(e) <= 6000
        assert all(len(f.value) <= 1024 for f in e.fields)
    msg = embeds.fit_message(out)
    assert len(msg) <= 10 and sum(len(e) for e in msg) <= 6000


def test_timestamps_and_marks() -> None:
    day = _day(2, 2)
    tt = PublishedTimetable(1, "UTC", (day,))
    ((key, es),) = embeds.timetable_messages(tt, {1: 100, 100: 25})
    assert key == "2026-07-06"
    text = str(es[0].to_dict())
    assert "<t:" in text and "★★" in text and "☆" in text


def test_session_titles_link_to_their_threads_and_stay_literal() -> None:
    sv = SlotView(1, 1, datetime(2026, 7, 6, 7, tzinfo=UTC), datetime(2026, 7, 6, 8, tzinfo=UTC),
                  False, False, "")
    day = PublishedDay(date(2026, 7, 6), "Monday", (PublishedSlot(sv, (
        Entry(1, "my_talk *really*", 1, 1, "Main hall", 5),
        Entry(2, "No thread", 1, 2, "Garden", 1))),))
    (e,) = embeds.day_embeds(day, threads={1: 77}, guild_id=9)
    value = e.fields[0].value
    # markdown in a title is shown as typed; the title links to its thread; people expected
    assert "**Main hall**: [my\\_talk \\*really\\*](https://discord.com/channels/9/77) " \
           "(≈5 expected)" in value
    assert "**Garden**: No thread (≈1 expected)" in value


def test_a_crowded_slot_is_cut_between_lines_and_says_how_many_more() -> None:
    day = _day(1, 40)
    value = embeds.day_embeds(day)[0].fields[0].value
    assert len(value) <= 1024
    lines = value.split("\n")
    shown, last = lines[:-1], lines[-1]
    assert last == f"… and {40 - len(shown)} more"
    assert all(line.endswith("expected)") for line in shown)  # no line cut in two


def test_plural() -> None:
    assert embeds.plural(1, "day") == "1 day" and embeds.plural(3, "day") == "3 days"
    assert embeds.plural(2, "person", "people") == "2 people"


def test_a_slot_too_full_for_links_lists_every_session_without_them() -> None:
    day = _day(1, 8)
    threads = {e.session_id: 10**18 + e.session_id for e in day.slots[0].entries}
    value = embeds.day_embeds(day, threads=threads, guild_id=10**18)[0].fields[0].value
    assert "more" not in value and value.count("\n") == 7 and "discord.com" not in value
    (small,) = embeds.day_embeds(_day(1, 2), threads=threads, guild_id=10**18)
    assert small.fields[0].value.count("](https://discord.com/channels/") == 2
