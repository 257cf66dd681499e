"""Co-hosts, length, track, not-in-parallel, pins and attendee availability: set by the
rules, refused when they should be, sent to the engine, exported and imported back."""

from __future__ import annotations

import json
import re

import pytest

from bot.event import Actor, Conflict, Forbidden, InvalidInput, NotFound
from bot.event.scheduling import snapshot
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, OTHER_GUILD, verified
from tests.bot.helpers import dump

CAROL = Actor(user_id=13, display_name="Carol")


async def _world(event):
    await verified(event, ALICE)
    await verified(event, BOB)
    a = await event.propose(GUILD, ALICE, "Alpha", "a")
    b = await event.propose(GUILD, BOB, "Beta", "b")
    tt = await event.timetable(GUILD, ADMIN)
    slots = [s for d in tt.days for s in d.slots if not s.is_break]
    breaks = [s for d in tt.days for s in d.slots if s.is_break]
    return a, b, tt, slots, breaks


async def _instance(event):
    return await event.db.read(lambda conn: snapshot(conn, GUILD))


async def test_constraints_reach_the_engine(event):
    a, b, tt, slots, _ = await _world(event)
    s = await event.set_cohosts(GUILD, ALICE, a.id, [CAROL.user_id, BOB.user_id])
    assert s.cohosts == (BOB.user_id, CAROL.user_id)
    s = await event.set_cohosts(GUILD, ALICE, a.id, add=[14], remove=[CAROL.user_id])
    assert s.cohosts == (BOB.user_id, 14)
    s = await event.set_cohosts(GUILD, ALICE, a.id, add=[CAROL.user_id], remove=[14])
    assert (await event.set_length(GUILD, ADMIN, a.id, 2)).length == 2
    assert (await event.set_track(GUILD, ADMIN, b.id, "  Security  ")).track == "Security"
    assert await event.set_not_in_parallel(GUILD, ADMIN, b.id, a.id) == ("Beta", "Alpha")
    day = tt.days[0]
    mine = await event.set_availability(GUILD, CAROL, day_ids=[day.id])
    assert [x.id for x in mine] == [x.id for x in day.slots if not x.is_break]
    pin = await event.pin(GUILD, ADMIN, b.id, slots[1].id, tt.rooms[0].id)
    assert (pin.slot.id, pin.room.id) == (slots[1].id, tt.rooms[0].id)

    inst = await _instance(event)
    by_id = {x.id: x for x in inst.sessions}
    alpha, beta = by_id[str(a.id)], by_id[str(b.id)]
    assert alpha.proposers == [str(ALICE.user_id), str(BOB.user_id), str(CAROL.user_id)]
    assert (alpha.length, alpha.track, beta.length, beta.track) == (2, None, 1, "Security")
    assert inst.not_in_parallel == [(str(a.id), str(b.id))]
    assert [(x.attendee, x.slots) for x in inst.availability] == [
        (str(CAROL.user_id), [str(x.id) for x in mine])]
    assert [(p.session, p.slot, p.room) for p in inst.fixed] == [
        (str(b.id), str(slots[1].id), str(tt.rooms[0].id))]
    assert beta.allowed_slots == [str(slots[1].id)]

    # a pin without a room restricts the slot only, whatever the hosts said
    await event.set_allowed_slots(GUILD, BOB, b.id, [slots[0].id])
    await event.pin(GUILD, ADMIN, b.id, slots[2].id)
    inst = await _instance(event)
    assert inst.fixed == []
    assert {x.id: x for x in inst.sessions}[str(b.id)].allowed_slots == [str(slots[2].id)]
    assert (await event.pin(GUILD, ADMIN, b.id, None)).slot is None
    inst = await _instance(event)
    assert {x.id: x for x in inst.sessions}[str(b.id)].allowed_slots == [str(slots[0].id)]
    # undone
    await event.set_not_in_parallel(GUILD, ADMIN, a.id, b.id, apart=False)
    assert (await _instance(event)).not_in_parallel == []
    assert await event.set_availability(GUILD, CAROL) == ()
    assert (await _instance(event)).availability == []


async def test_a_cohost_is_never_in_two_places_and_sees_their_session(event, solve_worker):
    """Through a real solve: Bob co-hosts Alpha and proposes Beta, so they never share a slot;
    the published itinerary shows Bob at Alpha where it runs."""
    a, b, tt, slots, _ = await _world(event)
    await event.set_cohosts(GUILD, ALICE, a.id, [BOB.user_id])
    for sid in (a.id, b.id):
        await event.set_allowed_slots(GUILD, ADMIN, sid, [slots[0].id])
    v = await event.run_schedule(GUILD, ADMIN, time_limit=2)
    await event.publish(GUILD, ADMIN, v.id, make_visible=True)
    tt_pub = await event.published_timetable(GUILD, ADMIN)
    placed = [e.session_id for d in tt_pub.days for ps in d.slots for e in ps.entries]
    assert len(placed) == 1  # one slot allowed, one host in common: one of the two runs
    itinerary = await event.itinerary(GUILD, BOB)
    assert [i.expected.session_id for i in itinerary if i.expected] == placed


async def test_who_may_set_what(event):
    a, b, tt, slots, breaks = await _world(event)
    for call in (lambda: event.set_cohosts(GUILD, BOB, a.id, [CAROL.user_id]),
                 lambda: event.set_allowed_slots(GUILD, BOB, a.id, [slots[0].id])):
        with pytest.raises(Forbidden):
            await call()
    for call in (lambda: event.set_length(GUILD, ALICE, a.id, 2),
                 lambda: event.set_track(GUILD, ALICE, a.id, "x"),
                 lambda: event.pin(GUILD, ALICE, a.id, slots[0].id),
                 lambda: event.set_not_in_parallel(GUILD, ALICE, a.id, b.id)):
        with pytest.raises(Forbidden):
            await call()
    # organisers may set the hosts' part for every session
    assert (await event.set_cohosts(GUILD, ADMIN, a.id, [CAROL.user_id])).cohosts == (
        CAROL.user_id,)
    assert (await event.session_scheduling(GUILD, ALICE, a.id)).session.cohosts == (
        CAROL.user_id,)
    with pytest.raises(Forbidden):
        await event.session_scheduling(GUILD, BOB, a.id)


async def test_bad_values_are_refused_and_change_nothing(event):
    a, b, tt, slots, breaks = await _world(event)
    await event.pin(GUILD, ADMIN, a.id, slots[0].id, tt.rooms[0].id)
    before = await dump(event)
    cases = [
        (lambda: event.set_length(GUILD, ADMIN, a.id, 0), InvalidInput),
        (lambda: event.set_length(GUILD, ADMIN, a.id, 99), InvalidInput),
        (lambda: event.set_length(GUILD, ADMIN, a.id, True), InvalidInput),
        (lambda: event.set_track(GUILD, ADMIN, a.id, "x" * 51), InvalidInput),
        (lambda: event.set_cohosts(GUILD, ALICE, a.id, [ALICE.user_id]), InvalidInput),
        (lambda: event.set_cohosts(GUILD, ALICE, a.id, list(range(100, 120))), InvalidInput),
        (lambda: event.set_cohosts(GUILD, ALICE, a.id, "13"), InvalidInput),
        (lambda: event.set_not_in_parallel(GUILD, ADMIN, a.id, a.id), InvalidInput),
        (lambda: event.set_not_in_parallel(GUILD, ADMIN, a.id, 999_999), NotFound),
        (lambda: event.pin(GUILD, ADMIN, b.id, breaks[0].id), InvalidInput),
        (lambda: event.pin(GUILD, ADMIN, b.id, 999_999), NotFound),
        (lambda: event.pin(GUILD, ADMIN, b.id, slots[0].id, 999_999), NotFound),
        (lambda: event.pin(GUILD, ADMIN, b.id, slots[0].id, tt.rooms[0].id), Conflict),
        (lambda: event.pin(GUILD, ADMIN, b.id, None, tt.rooms[0].id), InvalidInput),
        (lambda: event.set_availability(GUILD, CAROL, slot_ids=[breaks[0].id]), InvalidInput),
        (lambda: event.set_availability(GUILD, CAROL, slot_ids=[999_999]), NotFound),
        (lambda: event.set_availability(GUILD, CAROL, day_ids=[999_999]), NotFound),
        (lambda: event.set_availability(GUILD, CAROL, slot_ids=["1"]), InvalidInput),
        (lambda: event.set_allowed_slots(GUILD, ALICE, a.id, None, [0]), NotFound),
    ]
    for call, error in cases:
        with pytest.raises(error):
            await call()
    assert await dump(event) == before
    # another server's slots and sessions are not found
    await event.setup_event(OTHER_GUILD, ADMIN)
    with pytest.raises(NotFound):
        await event.set_availability(OTHER_GUILD, CAROL, slot_ids=[slots[0].id])
    with pytest.raises(NotFound):
        await event.set_length(OTHER_GUILD, ADMIN, a.id, 2)


async def test_withdrawn_sessions_take_no_constraints(event):
    a, b, tt, slots, _ = await _world(event)
    await event.withdraw_session(GUILD, ALICE, a.id)
    for call in (lambda: event.set_cohosts(GUILD, ALICE, a.id, [CAROL.user_id]),
                 lambda: event.set_length(GUILD, ADMIN, a.id, 2),
                 lambda: event.pin(GUILD, ADMIN, a.id, slots[0].id),
                 lambda: event.set_not_in_parallel(GUILD, ADMIN, a.id, b.id)):
        with pytest.raises(Conflict):
            await call()


async def test_choices_for_days_slots_and_rooms(event):
    tt = await event.timetable(GUILD, ADMIN)
    rooms = await event.timetable_choices(GUILD, ALICE, "room", "")
    assert [i for i, _ in rooms] == [r.id for r in tt.rooms]
    assert all(words.startswith(f"Room #{i}: ") for i, words in rooms)
    days = await event.timetable_choices(GUILD, ALICE, "day", str(tt.days[1].id))
    assert days[0][0] == tt.days[1].id  # its number first, then what contains it
    slots = await event.timetable_choices(GUILD, ALICE, "slot", "")
    assert [i for i, _ in slots] == [s.id for d in tt.days for s in d.slots if not s.is_break]
    first = tt.days[0].slots[0]
    local = first.start.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Brussels"))
    assert f"{local:%H:%M}" in dict(slots)[first.id]
    everything = await event.timetable_choices(GUILD, ALICE, "any-slot", "break")
    assert [i for i, _ in everything] == [s.id for d in tt.days for s in d.slots if s.is_break]
    with pytest.raises(InvalidInput):
        await event.timetable_choices(GUILD, ALICE, "session", "")


async def test_exported_constraints_import_back(event):
    a, b, tt, slots, _ = await _world(event)
    await event.set_cohosts(GUILD, ALICE, a.id, [CAROL.user_id])
    await event.set_length(GUILD, ADMIN, a.id, 2)
    await event.set_track(GUILD, ADMIN, a.id, "Ops")
    await event.set_not_in_parallel(GUILD, ADMIN, a.id, b.id)
    await event.pin(GUILD, ADMIN, b.id, slots[3].id)
    await event.set_availability(GUILD, CAROL, slot_ids=[slots[0].id, slots[2].id])
    text = await event.export_event_json(GUILD, ADMIN)
    doc = json.loads(text)
    assert doc["format_version"] == 3
    # the pair written the other way round, as a hand-made file might
    doc["not_in_parallel"] = [{"session_a": b.id, "session_b": a.id}]
    await event.import_event_json(GUILD, ADMIN, json.dumps(doc))
    after = await _instance(event)
    assert [s.proposers[1:] for s in after.sessions] == [[str(CAROL.user_id)], []]
    assert [(s.length, s.track) for s in after.sessions] == [(2, "Ops"), (1, None)]
    assert len(after.not_in_parallel) == 1 and len(after.availability[0].slots) == 2
    assert after.sessions[1].allowed_slots is not None
    # a pair with itself, or twice, is refused
    doc["not_in_parallel"] = [{"session_a": a.id, "session_b": a.id}]
    with pytest.raises(InvalidInput, match="paired with itself"):
        await event.import_event_json(GUILD, ADMIN, json.dumps(doc))
    # a version 2 file (before these tables) still imports
    for table in ("session_hosts", "not_in_parallel", "session_pins", "attendee_availability"):
        doc.pop(table)
    for s in doc["sessions"]:
        s.pop("length")
        s.pop("track")
    doc["format_version"] = 2
    await event.import_event_json(GUILD, ADMIN, json.dumps(doc))
    assert (await _instance(event)).not_in_parallel == []


def test_a_cohost_is_told_and_explained_as_a_host():
    """Pure: a co-host's clash says they present the session; a move of it tells them as it
    tells its proposer, and a withdrawal tells neither."""
    from dataclasses import replace

    from bot.event.changes import local_time, moves, notices
    from bot.event.explain import clashes
    from bot.event.models import PublishedDay, PublishedSlot, PublishedTimetable
    from tests.bot.timetables import build

    me = 77
    tt = build(days=1, slots_per_day=2, rooms=3, break_after=None)
    day = tt.days[0]
    first = PublishedSlot(day.slots[0].slot, tuple(
        replace(e, cohosts=(me,)) if e.session_id == 3 else e for e in day.slots[0].entries))
    mine = PublishedTimetable(1, tt.timezone, (PublishedDay(day.date, day.label,
                                                            (first, day.slots[1])),))
    (c,) = clashes(mine, {1: 100}, local_time("Europe/Brussels"), user_id=me)
    assert "You present “Session 3”" in c.text
    # session 3 moves to the second slot in a new version
    second = PublishedSlot(day.slots[1].slot, (
        *(e for e in first.entries if e.session_id == 3),))
    new = PublishedTimetable(2, tt.timezone, (PublishedDay(day.date, day.label, (
        PublishedSlot(day.slots[0].slot, ()), second)),))
    told = {n.user_id: [i.reason for i in n.items]
            for n in notices(moves(mine, new), {})}
    assert told[me] == ["proposer"] and told[1003] == ["proposer"]


async def test_choices_read_in_the_readers_language(event):
    """Autocomplete shows days, slots and rooms in the reader's language (weekday names from
    Babel), and what they type is matched against those words."""
    from bot.i18n import language
    de = language("de")
    tt = await event.timetable(GUILD, ADMIN)
    days = await event.timetable_choices(GUILD, ALICE, "day", "montag", language=de)
    assert [i for i, _ in days] == [tt.days[0].id]
    assert days[0][1].startswith(f"Tag #{tt.days[0].id}: Montag, 6. Juli 2026-07-06")
    slots = await event.timetable_choices(GUILD, ALICE, "any-slot", "pause", language=de)
    assert slots and all(w.startswith("Zeitfenster #") and "· Pause" in w for _, w in slots)
    rooms = await event.timetable_choices(GUILD, ALICE, "room", "", language=de)
    assert all(re.search(r"^Raum #\d+: .* \(\d+ Plätze\)$", w) for _, w in rooms), rooms
