"""Rendering stays within Discord's limits, whatever the size of a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.discord import embeds
from bot.event.models import (
    Entry,
    ItineraryItem,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    SlotView,
)
from bot.event.text import plural


def _day_embeds(day, mine=None, threads=None, guild_id=None):
    """A day's embeds, all its messages together."""
    return [e for m in embeds.day_messages(day, mine, threads, guild_id) for e in m]


def _day(n_slots: int, rooms: int) -> PublishedDay:
    start = datetime(2026, 7, 6, 7, tzinfo=UTC)
    slots = []
    for i in range(n_slots):
        sv = SlotView(i + 1, 1, start + timedelta(minutes=30 * i),
                      start + timedelta(minutes=30 * i + 25), False, False, "")
        slots.append(PublishedSlot(sv, tuple(
            Entry(100 * i + r, f"{i}-{r} " + "A long title @everyone " * 4, 1, r, f"Room {r}", 12)
            for r in range(rooms))))
    return PublishedDay(date(2026, 7, 6), "Monday", tuple(slots))


def _within_limits(message: list) -> None:
    assert 1 <= len(message) <= 10 and sum(len(e) for e in message) <= 6000
    for e in message:
        assert len(e.fields) <= 25 and len(e.title or "") <= 256
        assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in e.fields)


def test_a_big_day_is_split_over_messages_within_limits_and_shows_every_session() -> None:
    day = _day(40, 12)
    threads = {e.session_id: 10**18 + e.session_id for ps in day.slots for e in ps.entries}
    messages = embeds.day_messages(day, threads=threads, guild_id=10**18)
    assert len(messages) >= 2
    for message in messages:
        _within_limits(message)
    titles = [m[0].title for m in messages]
    assert titles[0] == f"Monday (part 1 of {len(messages)})"
    noon = int(datetime(2026, 7, 6, 12, tzinfo=UTC).timestamp())
    assert all(m[0].description.startswith(f"**<t:{noon}:D>**") for m in messages)
    text = "\n".join(f.value for m in messages for e in m for f in e.fields)
    for ps in day.slots:
        for e in ps.entries:
            assert f"](https://discord.com/channels/{10**18}/{threads[e.session_id]})" in text
    assert "more" not in text
    assert len(_day_embeds(day)) == sum(len(m) for m in embeds.day_messages(day))


def test_timestamps_and_marks() -> None:
    day = _day(2, 2)
    tt = PublishedTimetable(1, "UTC", (day,))
    ((key, es),) = embeds.timetable_messages(tt, {1: 100, 100: 25})
    assert key == "2026-07-06"
    text = str(es[0].to_dict())
    assert "<t:" in text and "★★" in text and "☆" in text


def test_stars_have_their_level_in_words_beside_them() -> None:
    """What a screen reader says: the stars, then the level."""
    day = _day(1, 3)
    mine = {0: 100, 1: 75, 2: 25}  # the three sessions of the slot; none elsewhere
    (e,) = _day_embeds(day, mine)
    lines = e.fields[0].value.split("\n")
    assert lines[0].startswith("★★ (very) **Room 0**")
    assert lines[1].startswith("★ (yes) **Room 1**")
    assert lines[2].startswith("☆ (a little) **Room 2**")
    assert embeds.mark(0) == "" and embeds.mark(37) == ""  # none, or not a level: no mark


def test_the_day_heading_is_a_discord_timestamp_of_the_events_date() -> None:
    day = _day(1, 1)
    (first,) = embeds.day_messages(day, timezone="Pacific/Kiritimati")  # UTC+14
    noon = int(datetime(2026, 7, 5, 22, tzinfo=UTC).timestamp())  # noon there on 6 July
    assert first[0].title == "Monday"
    assert first[0].description == f"**<t:{noon}:D>** · times in your own time zone"
    empty = PublishedDay(date(2026, 7, 7), "", ())
    (only,) = embeds.day_messages(empty)
    assert only[0].title == "Tuesday" and only[0].description.endswith("\nNo slots.")


def test_a_physical_events_own_time_is_shown_beside_the_readers() -> None:
    day = _day(2, 1)  # slots at 07:00 and 07:30 UTC: 09:00 and 09:30 in Brussels
    online = PublishedTimetable(1, "Europe/Brussels", (day,), physical=False)
    there = PublishedTimetable(1, "Europe/Brussels", (day,), physical=True)
    ((_, plain),) = embeds.timetable_messages(online)
    ((_, local),) = embeds.timetable_messages(there)
    start = int(day.slots[0].slot.start.timestamp())
    assert plain[0].fields[0].name == f"<t:{start}:t>–<t:{start + 25 * 60}:t>"
    assert local[0].fields[0].name == (f"<t:{start}:t>–<t:{start + 25 * 60}:t> "
                                       "(09:00–09:25 Brussels time)")
    assert local[0].fields[1].name.endswith("(09:30–09:55 Brussels time)")
    assert "in brackets in Brussels time, where it takes place" in local[0].description
    (shown,) = embeds.itinerary_embeds(
        [ItineraryItem(day.slots[0].slot, day.slots[0].entries[0], 100)],
        embeds.local_zone("Europe/Brussels", True))
    assert f"<t:{start}:f> (09:00 Brussels time): **" in shown.description
    assert embeds.local_zone("Europe/Brussels", False) is None
    assert embeds.place(embeds.local_zone("UTC", True)) == "UTC"


def test_session_titles_link_to_their_threads_and_stay_literal() -> None:
    sv = SlotView(1, 1, datetime(2026, 7, 6, 7, tzinfo=UTC), datetime(2026, 7, 6, 8, tzinfo=UTC),
                  False, False, "")
    day = PublishedDay(date(2026, 7, 6), "Monday", (PublishedSlot(sv, (
        Entry(1, "my_talk *really*", 1, 1, "Main hall", 5),
        Entry(2, "No thread", 1, 2, "Garden", 1))),))
    (e,) = _day_embeds(day, threads={1: 77}, guild_id=9)
    value = e.fields[0].value
    # markdown in a title is shown as typed; the title links to its thread; people expected
    assert "**Main hall**: [my\\_talk \\*really\\*](https://discord.com/channels/9/77) " \
           "(≈5 expected)" in value
    assert "**Garden**: No thread (≈1 expected)" in value


def test_a_crowded_slot_goes_on_in_more_fields_never_cutting_a_line() -> None:
    day = _day(1, 40)
    fields = _day_embeds(day)[0].fields
    assert len(fields) >= 2 and fields[1].name == f"{fields[0].name} (continued)"
    lines = [line for f in fields for line in f.value.split("\n")]
    assert len(lines) == 40 and all(line.endswith("expected)") for line in lines)
    assert all(len(f.value) <= 1024 for f in fields)


def test_plural() -> None:
    assert plural(1, "day") == "1 day" and plural(3, "day") == "3 days"
    assert plural(2, "person", "people") == "2 people"


def test_a_slot_too_full_for_links_lists_every_session_without_them() -> None:
    day = _day(1, 8)
    threads = {e.session_id: 10**18 + e.session_id for e in day.slots[0].entries}
    value = _day_embeds(day, threads=threads, guild_id=10**18)[0].fields[0].value
    assert "more" not in value and value.count("\n") == 7 and "discord.com" not in value
    (small,) = _day_embeds(_day(1, 2), threads=threads, guild_id=10**18)
    assert small.fields[0].value.count("](https://discord.com/channels/") == 2


def test_nobody_expected_yet_says_nothing_rather_than_zero() -> None:
    sv = SlotView(1, 1, datetime(2026, 7, 6, 7, tzinfo=UTC), datetime(2026, 7, 6, 8, tzinfo=UTC),
                  False, False, "")
    day = PublishedDay(date(2026, 7, 6), "Monday", (PublishedSlot(sv, (
        Entry(1, "New idea", 1, 1, "Main hall", 0), Entry(2, "Known", 2, 2, "Garden", 3))),))
    value = _day_embeds(day)[0].fields[0].value
    assert value == "**Garden**: Known (≈3 expected)\n**Main hall**: New idea"


def test_the_preview_speaks_plainly_of_the_solver_status() -> None:
    from bot.event.models import ScheduleVersion
    for status, words in (("optimal", "proven best"), ("feasible", "best found")):
        v = ScheduleVersion(3, "", status, 10, 10, 9, 1.0, 0, 1, (), False)
        assert embeds.preview_embed(v, []).title == f"Schedule version #3 ({words})"


def test_the_timetable_and_the_preview_in_german() -> None:
    """Day names from Babel, star words, headings and figures in the reader's language."""
    from bot.event.models import ScheduleVersion
    from bot.event.solving import SolveProgress
    from bot.i18n import language
    de = language("de")
    day = _day(1, 3)
    (first,) = embeds.day_messages(day, {0: 100, 1: 75, 2: 25}, timezone="Europe/Brussels",
                                   physical=True, t=de)
    e = first[0]
    assert e.title == "Montag"  # the organiser's "Monday" only named the weekday
    assert "Zeiten in deiner eigenen Zeitzone, in Klammern in Ortszeit Brussels" in e.description
    lines = e.fields[0].value.split("\n")
    assert lines[0].startswith("★★ (sehr) **Room 0**") and lines[0].endswith("(≈12 erwartet)")
    assert lines[1].startswith("★ (ja) **Room 1**")
    assert lines[2].startswith("☆ (ein wenig) **Room 2**")
    assert e.fields[0].name.endswith("(09:00–09:25 Ortszeit Brussels)")
    (empty,) = embeds.day_messages(PublishedDay(date(2026, 7, 7), "", ()), t=de)
    assert empty[0].title == "Dienstag" and empty[0].description.endswith("\nKeine Zeitfenster.")
    (today,) = embeds.agenda_messages(PublishedDay(date(2026, 7, 7), "Tag 2", ()), t=de)
    assert today[0].title == "Heute: Tag 2"

    assert embeds.progress_text(SolveProgress(12345, 20000, 3.4), de) == (
        "Planung läuft … Nutzen 12.345 (61,7 % der Schranke 20.000) nach 3 s")
    v = ScheduleVersion(3, "", "optimal", 1234, 2000, 1000, 1.25, 0, 1, (), False)
    shown = embeds.preview_embed(v, [], t=de)
    assert shown.title == "Zeitplan-Version #3 (beweisbar beste)"
    fields = {f.name: f.value for f in shown.fields}
    assert fields["Nutzen"] == "1.234"
    assert fields["Anteil an der Schranke"] == "61,7 % von 2.000"
    assert fields["Gewinn gegenüber der Startheuristik"] == "+234 (+23,4 %)"
    assert fields["Rechenzeit"] == "1,2 s" or fields["Rechenzeit"] == "1,3 s"
    assert fields["Nicht eingeplant"] == "keine"
    assert shown.footer.text == "Veröffentlichen mit /orga zeitplan veröffentlichen version:3"


def test_up_next_in_german() -> None:
    from bot.i18n import language
    de = language("de")
    day = _day(1, 2)
    (e,) = embeds.up_next_embeds(day.slots[0], t=de)
    assert e.title == "Als Nächstes" and e.description.startswith("Beginnt <t:")
    assert e.fields[0].name == "Wann" and "(≈12 erwartet)" in e.description
    (shown,) = embeds.itinerary_embeds([ItineraryItem(day.slots[0].slot, None, 0)], t=de)
    assert shown.title == "Mein Zeitplan" and shown.description.endswith(": frei")


def test_the_changes_counted_by_kind_in_german() -> None:
    from types import SimpleNamespace

    from bot.discord.scheduling import moved_summary
    from bot.i18n import language
    kinds = ["moved", "room", "room", "unscheduled"]
    p = SimpleNamespace(moves=[SimpleNamespace(kind=k) for k in kinds])
    assert moved_summary(p) == "1 to another time, 2 to another room, 1 left out"
    assert moved_summary(p, language("de")) == (
        "1 zu einer anderen Zeit, 2 in einen anderen Raum, 1 ausgelassen")
    assert moved_summary(SimpleNamespace(moves=[]), language("de")) == "keine"
