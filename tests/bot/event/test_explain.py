"""Explanations in plain sentences: clashes in an attendee's wishes, capacity, unplaced."""

from __future__ import annotations

from dataclasses import replace

from bot.event.changes import local_time
from bot.event.explain import clashes, over_capacity, unplaced, unplaced_advice
from bot.event.models import (
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    RoomView,
    ScheduleVersion,
    Unscheduled,
)
from tests.bot.timetables import build, entry

FMT = local_time("Europe/Brussels")
ME = 77


def test_no_clash_when_wishes_are_in_different_slots():
    tt = build(days=1, slots_per_day=3, rooms=3)  # slots: 1-3, 4-6, 7-9
    assert clashes(tt, {1: 100, 4: 75, 7: 100, 2: 25}, FMT, user_id=ME) == []


def test_clash_names_both_sessions_the_likely_choice_and_the_scheduler_reason():
    tt = build(days=1, slots_per_day=3, rooms=3)
    [c] = clashes(tt, {1: 75, 2: 100, 3: 25, 4: 100}, FMT, user_id=ME)
    assert [(e.session_id, level) for e, level in c.sessions] == [(2, 100), (1, 75)]
    assert c.text.startswith("“Session 2” and “Session 1” are both at Mon 6 Jul 09:30.")
    assert "You rated “Session 2” very, so your timetable sends you there; " \
           "“Session 1” is yes." in c.text
    assert "Why: the scheduler places sessions so that, over all attendees" in c.text
    assert "“Session 2” draws about 14 people" in c.text


def test_own_session_locked_slot_few_allowed_slots_and_too_many_wishes():
    tt = build(days=1, slots_per_day=2, rooms=3, break_after=None)
    day = tt.days[0]
    locked = PublishedSlot(replace(day.slots[0].slot, locked=True),
                           tuple(replace(e, owner_id=ME) if e.session_id == 3 else e
                                 for e in day.slots[0].entries))
    tt = PublishedTimetable(1, tt.timezone, (PublishedDay(day.date, day.label,
                                                          (locked, day.slots[1])),))
    wants = {1: 100, 2: 75, 4: 75, 5: 75}
    out = clashes(tt, wants, FMT, user_id=ME, allowed_slots={2: (1,), 4: None})
    assert len(out) == 2
    first = out[0].text
    assert first.startswith("“Session 3”, “Session 1” and “Session 2” are all at")
    assert "You present “Session 3”, so that is where you will be." in first
    assert "the organisers locked this slot" in first
    assert "“Session 2” may only take place in 1 slot" in first
    assert "you want 5 sessions and there are only 2 slots" in first
    assert "draws about" not in first


def test_a_little_interest_is_not_a_clash_unless_asked():
    tt = build(days=1, slots_per_day=1, rooms=2)
    assert clashes(tt, {1: 25, 2: 100}, FMT) == []
    [c] = clashes(tt, {1: 25, 2: 100}, FMT, min_level=25)
    assert "“Session 1” is a little" in c.text


def test_over_capacity_and_unplaced_sentences():
    tt = build(days=1, slots_per_day=1, rooms=3)  # attendance 7, 14, 21
    rooms = [RoomView(1, "Main hall", 80, None, None), RoomView(2, "Workshop room", 10, None,
                                                                None)]
    assert over_capacity(tt, rooms, FMT) == [
        "“Session 2” at Mon 6 Jul 09:30 expects about 14 people, but Workshop room holds 10. "
        "“Session 1” in the larger Main hall draws fewer (about 7): run the scheduler again to "
        "swap them."]
    version = ScheduleVersion(3, "", "optimal", 1, 1, 1, 0.1, 0, 2, (
        Unscheduled(9, "Late talk", "more sessions than slot×room places"),), False)
    assert unplaced(version) == [
        "“Late talk” is not in the timetable: more sessions than slot×room places."]


def _one_slot(*entries, locked=False):
    """One slot holding `entries` (room index, attendance)."""
    tt = build(days=1, slots_per_day=1, rooms=0, break_after=None)
    day = tt.days[0]
    ps = PublishedSlot(replace(day.slots[0].slot, locked=locked), tuple(
        entry(i + 1, f"Talk {i + 1}", room, attendance=n)
        for i, (room, n) in enumerate(entries)))
    return PublishedTimetable(1, tt.timezone, (PublishedDay(day.date, day.label, (ps,)),))


ROOMS3 = [RoomView(1, "Main hall", 50, None, None), RoomView(2, "Workshop room", 20, None, None),
          RoomView(3, "Garden", 30, None, None)]


def test_a_session_in_the_largest_room_is_never_told_to_take_a_larger_one():
    [text] = over_capacity(_one_slot((0, 80), (1, 5)), ROOMS3, FMT)
    assert "Main hall holds 50. No room holds more: add a room for at least 80 people " \
           "(/admin room add), then run the scheduler again." in text
    assert "larger room" not in text
    # a room of the same size is no larger
    same = [*ROOMS3, RoomView(4, "Twin hall", 50, None, None)]
    assert "No room holds more" in over_capacity(_one_slot((0, 80)), same, FMT)[0]


def test_a_larger_room_free_in_the_slot_is_named():
    [text] = over_capacity(_one_slot((1, 25)), ROOMS3, FMT)  # Workshop room, 20 seats
    assert text.endswith("Main hall (holds 50) is free at that time: run the scheduler "
                         "again to seat it there.")


def test_a_locked_slot_is_to_be_unlocked_first():
    [text] = over_capacity(_one_slot((1, 25), locked=True), ROOMS3, FMT)
    assert "unlock its slot (/admin slot unlock slot:1) and run the scheduler again" in text
    [text] = over_capacity(_one_slot((0, 90), locked=True), ROOMS3, FMT)
    assert text.endswith("No room holds more: unlock its slot (/admin slot unlock slot:1) and "
                         "add a room for at least 90 people (/admin room add), then run the "
                         "scheduler again.")


def test_a_larger_room_holding_a_smaller_session_is_a_swap():
    # Garden (30) holds a session of 10 while the Workshop room (20) overflows: what a
    # locked slot or a version older than the rooms leaves
    text = over_capacity(_one_slot((0, 60), (1, 25), (2, 10)), ROOMS3, FMT)
    assert len(text) == 2
    assert "Main hall holds 50. No room holds more" in text[0]
    assert "“Talk 3” in the larger Garden draws fewer (about 10): run the scheduler again " \
           "to swap them." in text[1]


def test_larger_rooms_taken_by_bigger_sessions_call_for_a_new_room():
    garden, workshop = over_capacity(_one_slot((0, 45), (2, 35), (1, 25)), ROOMS3, FMT)
    assert "Garden holds 30. The larger rooms then hold sessions that draw more people: Main " \
           "hall (“Talk 1”, about 45). To seat it, add a room for at least 35 people" in garden
    text = workshop
    assert "The larger rooms then hold sessions that draw more people: Main hall (“Talk 1”, " \
           "about 45), Garden (“Talk 2”, about 35). To seat it, add a room for at least 25 " \
           "people" in text


def test_unplaced_advice_only_when_no_place_is_free():
    rooms = ROOMS3[:2]
    assert unplaced_advice(_one_slot((0, 5), (1, 5)), rooms).startswith(
        "Every room is taken in every slot the scheduler may use: add a room")
    assert unplaced_advice(_one_slot((0, 5)), rooms) is None  # a free place: the session's limits
    assert unplaced_advice(_one_slot((0, 5), locked=True), rooms).startswith(
        "Every slot is a break or locked: unlock a slot")


def _long_session_day():
    """Two slots: "Long" (25 expected) in the Workshop room over both; the Main hall is free
    in the first slot only, the Garden taken in both."""
    tt = build(days=1, slots_per_day=2, rooms=0, break_after=None)
    day = tt.days[0]
    one, two = day.slots
    long = replace(entry(1, "Long", 1, attendance=25), length=2, ends=two.slot.end)
    first = replace(one, entries=(long, entry(2, "Garden one", 2, attendance=28)))
    second = replace(two, entries=(entry(3, "Big", 0, attendance=45),
                                   entry(4, "Garden two", 2, attendance=28)),
                     continuing=(long,))
    return PublishedTimetable(1, tt.timezone, (replace(day, slots=(first, second)),))


def test_a_session_of_several_slots_is_advised_rooms_free_in_all_of_them():
    [text] = over_capacity(_long_session_day(), ROOMS3, FMT)
    assert text.startswith("“Long” at ")
    assert "is free at that time" not in text  # the Main hall is taken in its second slot
    assert "Garden (“Garden one”, about 28)" in text
    # were it one slot long, the Main hall would do
    tt = _long_session_day()
    one, two = tt.days[0].slots
    short = replace(tt, days=(replace(tt.days[0], slots=(
        replace(one, entries=(replace(one.entries[0], length=1, ends=None), one.entries[1])),
        replace(two, continuing=()))),))
    [text] = over_capacity(short, ROOMS3, FMT)
    assert text.endswith("Main hall (holds 50) is free at that time: run the scheduler again "
                         "to seat it there.")


def test_a_session_of_several_slots_clashes_once_where_the_other_starts():
    tt = _long_session_day()
    found = clashes(tt, {1: 100, 3: 75}, FMT)
    assert [c.slot.id for c in found] == [tt.days[0].slots[1].slot.id]
    assert [e.session_id for e, _ in found[0].sessions] == [1, 3]
    # all three rooms are held in the second slot: nowhere to place another session there
    assert unplaced_advice(tt, ROOMS3) is None  # the first slot has a free room
    full = replace(tt, days=(replace(tt.days[0], slots=(
        replace(tt.days[0].slots[0], entries=(*tt.days[0].slots[0].entries,
                                              entry(5, "Hall", 0, attendance=1))),
        tt.days[0].slots[1])),))
    assert unplaced_advice(full, ROOMS3).startswith("Every room is taken")


def test_explanations_in_german():
    """The same sentences in the reader's language: German quotes, level words and list, the
    German names of the commands to use, and the engine's reasons translated."""
    from bot.i18n import language
    de = language("de")
    fmt = local_time("Europe/Brussels", de)
    tt = build(days=1, slots_per_day=3, rooms=3)
    [c] = clashes(tt, {1: 75, 2: 100, 3: 25, 4: 100}, fmt, user_id=ME, t=de)
    assert c.text.startswith("„Session 2“ und „Session 1“ sind beide am Mo., 6. Juli 09:30.")
    assert "Du hast „Session 2“ mit „sehr“ bewertet, also schickt dich dein Plan dorthin; " \
           "„Session 1“ hast du mit „ja“ bewertet." in c.text
    assert "„Session 2“ zieht etwa 14 Personen an" in c.text
    [c] = clashes(tt, {1: 100, 2: 100, 3: 100}, fmt, t=de)
    assert c.text.startswith("„Session 3“, „Session 2“ und „Session 1“ sind alle am")
    [text] = over_capacity(_one_slot((0, 90), locked=True), ROOMS3, fmt, t=de)
    assert text == ("„Talk 1“ am Mo., 6. Juli 09:30 erwartet etwa 90 Personen, aber Main hall "
                    "fasst 50. Kein Raum fasst mehr: gib das Zeitfenster frei (/orga zeitfenster "
                    "freigeben zeitfenster:1), füge einen Raum für mindestens 90 Personen hinzu "
                    "(/orga raum hinzufügen) und starte den Planer erneut.")
    assert unplaced_advice(_one_slot((0, 5), (1, 5)), ROOMS3[:2], de).startswith(
        "In jedem Zeitfenster, das der Planer nutzen darf, ist jeder Raum belegt")
    version = ScheduleVersion(3, "", "optimal", 1, 1, 1, 0.1, 0, 2, (
        Unscheduled(9, "Late talk", "more sessions than slot×room places (5 sessions, 4 "
                                    "places); the placed ones drew more interest"),
        Unscheduled(8, "", "every slot it allows is full"),
        Unscheduled(7, "Odd", "a reason nobody marked")), False)
    assert unplaced(version, t=de) == [
        "„Late talk“ ist nicht im Zeitplan: mehr Sessions als Plätze aus Zeitfenster × Raum (5 "
        "Sessions, 4 Plätze); die eingeplanten zogen mehr Interesse an.",
        "„Session 8“ ist nicht im Zeitplan: jedes erlaubte Zeitfenster ist voll.",
        "„Odd“ ist nicht im Zeitplan: a reason nobody marked."]


def test_every_reason_the_engine_gives_is_translated():
    """The engine words why it left a session out in English (scheduler_core has no
    catalogs); each of its sentences is marked here, so none reaches a German reader as is."""
    import ast
    import inspect

    from bot.event.explain import REASONS, reason_text
    from bot.i18n import language
    from scheduler_core.engine import unplaced_reason
    tree = ast.parse(inspect.getsource(unplaced_reason))
    said = [n.value for n in ast.walk(tree) if isinstance(n, ast.Return)]
    plain = [ast.literal_eval(v) for v in said if not isinstance(v, ast.JoinedStr)]
    assert sorted(plain) == sorted(str(r) for r in REASONS)
    de = language("de")
    assert all(reason_text(r, de) != r for r in plain)
    (formatted,) = [v for v in said if isinstance(v, ast.JoinedStr)]
    example = "".join(str(p.value) if isinstance(p, ast.Constant) else "7"
                      for p in formatted.values)
    assert reason_text(example, de).startswith("mehr Sessions als Plätze")
