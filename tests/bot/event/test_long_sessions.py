"""Sessions of several slots, through the real engine, beside a track, a not-in-parallel pair,
an attendee's availability and a co-host: the stored version keeps every one of them, and every
view of it (the layout, the itinerary, the calendar files, the embeds, the picture) shows a
long session over all its slots, in one room, told once where it starts. What changes during a
run is checked over every slot a long session takes; so are the timetable's own edits."""

from __future__ import annotations

import asyncio

import icalendar
import pytest

from bot.discord import embeds
from bot.event import Actor, Conflict, EventService, InvalidInput
from bot.event.calendar import itinerary_ics, timetable_ics
from bot.event.models import PublishedTimetable
from bot.event.scheduling import snapshot, store_run_result
from bot.jobs.announcements import Announcer
from bot.jobs.reminders import Reminders
from bot.render.timetable_png import render_timetable
from bot.storage.mirror import MirrorStore
from bot.storage.personal import PersonalStore
from bot.storage.posting import PostingStore
from scheduler_core.models import Assignment, Result
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, verified
from tests.bot.engines import held_engine

CAROL = Actor(user_id=13, display_name="Carol")
DAVE = Actor(user_id=14, display_name="Dave")  # here on Tuesday only
PEOPLE = [Actor(200 + i, f"Person {i}") for i in range(8)]


def _slots(tt: PublishedTimetable):
    return [ps for d in tt.days for ps in d.slots]


def _where(tt: PublishedTimetable) -> dict[int, tuple[list[int], int]]:
    """session id → (every slot it holds, its room), from the laid-out timetable."""
    out: dict[int, tuple[list[int], int]] = {}
    for ps in _slots(tt):
        for e in ps.held:
            out.setdefault(e.session_id, ([], e.room_id))[0].append(ps.slot.id)
    return out


@pytest.fixture
async def world(event: EventService, solve_worker) -> dict[str, int]:
    """A workshop of two slots by Alice with Carol as co-host, a talk by Carol, two talks of
    the Security track, a pair kept apart, and a talk only Dave wants (Dave is here on
    Tuesday only); everyone wants the workshop."""
    for p in (ALICE, BOB, CAROL, DAVE, *PEOPLE):
        await verified(event, p)
    ids = {}
    for key, who, title in (("workshop", ALICE, "Workshop"), ("carol", CAROL, "Carol's talk"),
                            ("sec1", BOB, "Security one"), ("sec2", PEOPLE[0], "Security two"),
                            ("pair1", PEOPLE[1], "Pair one"), ("pair2", PEOPLE[2], "Pair two"),
                            ("dave", PEOPLE[3], "For Dave")):
        ids[key] = (await event.propose(GUILD, who, title, "x")).id
    await event.set_length(GUILD, ADMIN, ids["workshop"], 2)
    await event.set_cohosts(GUILD, ALICE, ids["workshop"], [CAROL.user_id])
    for key in ("sec1", "sec2"):
        await event.set_track(GUILD, ADMIN, ids[key], "Security")
    await event.set_not_in_parallel(GUILD, ADMIN, ids["pair1"], ids["pair2"])
    tuesday = (await event.timetable(GUILD, ADMIN)).days[1]
    await event.set_availability(GUILD, DAVE, day_ids=[tuesday.id])
    await event.set_interest(GUILD, DAVE, ids["dave"], 100)
    for p in PEOPLE:  # all want the same few: the engine would put them side by side
        for key in ("workshop", "carol", "sec1", "sec2", "pair1", "pair2"):
            await event.set_interest(GUILD, p, ids[key], 100)
    return ids


async def test_the_stored_version_keeps_every_constraint_and_shows_the_long_session(
        event, world):
    version = await event.run_schedule(GUILD, ADMIN, time_limit=3)
    assert version.unplaced == () and version.placed == len(world)
    await event.publish(GUILD, ADMIN, version.id, make_visible=True)
    tt = await event.published_timetable(GUILD, ADMIN)
    where = _where(tt)
    slots = {ps.slot.id: ps for ps in _slots(tt)}

    # the workshop: two consecutive slots of one day, one room, nobody else in it meanwhile
    run, room = where[world["workshop"]]
    assert len(run) == 2 and slots[run[0]].slot.day_id == slots[run[1]].slot.day_id
    first, second = slots[run[0]], slots[run[1]]
    order = [ps.slot.id for ps in _slots(tt)]
    assert order.index(run[1]) == order.index(run[0]) + 1
    (workshop,) = [e for e in first.entries if e.session_id == world["workshop"]]
    assert workshop.length == 2 and workshop.ends == second.slot.end
    assert [e.session_id for e in second.continuing] == [world["workshop"]]
    assert room not in {e.room_id for e in second.entries}
    assert sum(e.session_id == world["workshop"] for ps in _slots(tt) for e in ps.entries) == 1
    # its co-host is in no other session while it runs; the track and the pair are apart
    assert not set(where[world["carol"]][0]) & set(run)
    assert not set(where[world["sec1"]][0]) & set(where[world["sec2"]][0])
    assert not set(where[world["pair1"]][0]) & set(where[world["pair2"]][0])
    # Dave's talk is where Dave is
    (dave_slot,) = where[world["dave"]][0]
    assert slots[dave_slot].slot.day_id == tt.days[1].slots[0].slot.day_id
    for ps in _slots(tt):  # one session per room at a time
        rooms = [e.room_id for e in ps.held]
        assert len(rooms) == len(set(rooms))

    # Alice's itinerary: the workshop in both slots, the second said to continue it
    items = {it.slot.id: it for it in await event.itinerary(GUILD, ALICE)}
    assert items[run[0]].expected.session_id == world["workshop"]
    assert not items[run[0]].continued
    assert items[run[1]].expected.session_id == world["workshop"] and items[run[1]].continued

    # reminders and "up next" fire where it starts, not again in its second slot
    reminders = Reminders(event, PersonalStore(event.db), send=None)
    planned = await reminders.plan_user(GUILD, ALICE.user_id, 10)
    assert [(r.slot.id, r.entry.session_id) for r in planned] == [(run[0], world["workshop"])]
    announcer = Announcer(event, PostingStore(event.db), send=None, agenda_time=None)
    up_next = {p.payload.slot.id: p.payload for p in await announcer.plan(GUILD)}
    assert world["workshop"] in {e.session_id for e in up_next[run[0]].entries}
    assert run[1] not in up_next or world["workshop"] not in {
        e.session_id for e in up_next[run[1]].entries}

    # its Discord event ends when its last slot ends
    on, mirrored = await MirrorStore(event.db).wanted(GUILD)
    (item,) = [m for m in mirrored if m.session_id == world["workshop"]]
    assert on and (item.start, item.end) == (first.slot.start, second.slot.end)

    # calendars: one event for it, ending when its last slot ends
    mine = icalendar.Calendar.from_ical(itinerary_ics(
        list(items.values()), guild_id=GUILD, event_name="Camp", version_id=tt.version_id))
    events = [c for c in mine.walk("VEVENT") if c["summary"] == "Workshop"]
    assert len(events) == 1
    assert events[0].decoded("dtstart") == first.slot.start
    assert events[0].decoded("dtend") == second.slot.end
    whole = icalendar.Calendar.from_ical(timetable_ics(tt, guild_id=GUILD, event_name="Camp"))
    assert len(list(whole.walk("VEVENT"))) == len(world)
    (ev,) = [c for c in whole.walk("VEVENT") if c["summary"] == "Workshop"]
    assert (ev.decoded("dtstart"), ev.decoded("dtend")) == (first.slot.start, second.slot.end)

    # the embeds: its whole time where it starts, "continued" in its room after
    day = next(d for d in tt.days if first in d.slots)
    text = "\n".join(f.value for m in embeds.day_messages(day) for e in m for f in e.fields)
    start, end = embeds.ts(first.slot.start), embeds.ts(second.slot.end)
    assert f"Workshop (≈{workshop.expected_attendance} expected) · {start}–{end}" in text
    assert f"↳ Workshop (continued, until {end})" in text
    assert text.count("Workshop") == 2

    # the picture: a row in each slot, joined by one spine
    pics = [p for p in render_timetable(tt, event_name="Camp") if p.day == day.date]
    boxes = [b for p in pics for b in p.boxes if b.session_id == world["workshop"]]
    assert [b.continued for b in boxes] == [False, True]
    assert {s.session_id for p in pics for s in p.spines} == {world["workshop"]}


async def test_a_pinned_long_session_takes_the_slots_after_its_pin(event, world):
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    # the last slot before the coffee break cannot start a session of two slots
    with pytest.raises(InvalidInput, match="consecutive slots"):
        await event.pin(GUILD, ADMIN, world["workshop"], monday[1].id)
    pin = await event.pin(GUILD, ADMIN, world["workshop"], monday[0].id, tt.rooms[2].id)
    assert (pin.slot.id, pin.ends) == (monday[0].id, monday[1].end)  # shown as 09:30–11:15
    told = await event.session_scheduling(GUILD, ADMIN, world["workshop"])
    assert told.pin == pin
    version = await event.run_schedule(GUILD, ADMIN, time_limit=2)
    await event.publish(GUILD, ADMIN, version.id, make_visible=True)
    where = _where(await event.published_timetable(GUILD, ADMIN))
    assert where[world["workshop"]] == ([monday[0].id, monday[1].id], tt.rooms[2].id)

    # no slot can come between its slots (nor an edited one move there)
    with pytest.raises(Conflict, match="takes several slots"):
        await event.add_slot(GUILD, ADMIN, tt.days[0].id, "10:15", "10:30")
    later = await event.add_slot(GUILD, ADMIN, tt.days[0].id, "14:15", "15:00")
    with pytest.raises(Conflict, match="takes several slots"):
        await event.edit_slot(GUILD, ADMIN, later.id, start="10:15", end="10:30")
    await event.edit_slot(GUILD, ADMIN, later.id, start="14:30", end="15:00")
    # a slot it holds cannot become a break, nor be removed, without force, which
    # unschedules it
    with pytest.raises(Conflict, match="force"):
        await event.edit_slot(GUILD, ADMIN, monday[1].id, is_break=True)
    with pytest.raises(Conflict, match="force"):
        await event.remove_slot(GUILD, ADMIN, monday[1].id)
    await event.remove_slot(GUILD, ADMIN, monday[1].id, force=True)
    assert world["workshop"] not in _where(await event.published_timetable(GUILD, ADMIN))


async def test_pins_never_share_a_room_over_a_long_sessions_slots(event, world):
    """A pin in a room is refused where another session pinned to that room runs, whichever
    of the two is pinned first, in any slot the session of several slots takes."""
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    room = tt.rooms[2].id
    await event.pin(GUILD, ADMIN, world["workshop"], monday[0].id, room)  # its 2nd: monday[1]
    with pytest.raises(Conflict, match=f"#{world['workshop']} is pinned to that room"):
        await event.pin(GUILD, ADMIN, world["carol"], monday[1].id, room)
    await event.pin(GUILD, ADMIN, world["carol"], monday[1].id, tt.rooms[0].id)  # another room
    await event.pin(GUILD, ADMIN, world["workshop"], None)
    await event.pin(GUILD, ADMIN, world["carol"], monday[1].id, room)
    with pytest.raises(Conflict, match=f"#{world['carol']} is pinned to that room"):
        await event.pin(GUILD, ADMIN, world["workshop"], monday[0].id, room)
    pin = await event.pin(GUILD, ADMIN, world["workshop"], monday[0].id)  # any room: the run's
    assert pin.room is None


async def test_locking_its_second_slot_keeps_a_long_session_where_it_is(event, world):
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    await event.pin(GUILD, ADMIN, world["workshop"], monday[0].id)
    version = await event.run_schedule(GUILD, ADMIN, time_limit=2)
    await event.publish(GUILD, ADMIN, version.id, make_visible=True)
    before = _where(await event.published_timetable(GUILD, ADMIN))[world["workshop"]]
    await event.pin(GUILD, ADMIN, world["workshop"], None)
    await event.set_allowed_slots(GUILD, ADMIN, world["workshop"], [
        s.id for s in tt.days[1].slots if not s.is_break])  # it would rather be on Tuesday
    await event.lock_slot(GUILD, ADMIN, monday[1].id)
    again = await event.run_schedule(GUILD, ADMIN, time_limit=2)
    await event.publish(GUILD, ADMIN, again.id)
    assert _where(await event.published_timetable(GUILD, ADMIN))[world["workshop"]] == before


@pytest.mark.parametrize("solver_target", [held_engine])
async def test_what_changed_during_a_run_is_checked_over_every_slot_it_takes(event, world):
    """Three sessions of two slots, each pinned to its own run of slots; while the engine is
    held, the second slot of one becomes a break, the second of another is locked, and the
    third (pinned to a room) gets a co-host, a track and a pair that clash with sessions the
    engine put in its second slot. The stored version leaves out what no longer fits, with
    the reason, and nothing overlaps."""
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    tuesday = [s for s in tt.days[1].slots if not s.is_break]
    late = await event.add_slot(GUILD, ADMIN, tt.days[0].id, "14:15", "15:00")
    await event.add_room(GUILD, ADMIN, "Annex", 20)
    ids = dict(world)
    for key, who in (("second", PEOPLE[4]), ("third", PEOPLE[5]), ("host", PEOPLE[6]),
                     ("track", PEOPLE[7])):
        ids[key] = (await event.propose(GUILD, who, key.title(), "x")).id
        await event.set_interest(GUILD, PEOPLE[0], ids[key], 75)
    for key in ("second", "third"):
        await event.set_length(GUILD, ADMIN, ids[key], 2)
    await event.pin(GUILD, ADMIN, ids["workshop"], monday[0].id)
    await event.pin(GUILD, ADMIN, ids["second"], tuesday[0].id)
    await event.pin(GUILD, ADMIN, ids["third"], monday[3].id, tt.rooms[0].id)  # 13:30–15:00
    for key in ("host", "track", "pair1"):  # beside "third", in its second slot
        await event.set_allowed_slots(GUILD, ADMIN, ids[key], [late.id])
    release = asyncio.Event()

    async def meanwhile(progress) -> None:
        if release.is_set():
            return
        await event.edit_slot(GUILD, ADMIN, monday[1].id, is_break=True)
        await event.lock_slot(GUILD, ADMIN, tuesday[1].id)
        await event.set_cohosts(GUILD, ADMIN, ids["third"], [PEOPLE[6].user_id])
        await event.set_track(GUILD, ADMIN, ids["third"], "Security")
        await event.set_track(GUILD, ADMIN, ids["track"], "Security")
        await event.set_not_in_parallel(GUILD, ADMIN, ids["third"], ids["pair1"])
        release.set()

    version = await event.run_schedule(GUILD, ADMIN, progress=meanwhile, cancel=release,
                                       time_limit=30)
    reasons = {u.session_id: u.reason for u in version.unplaced}
    assert reasons[ids["workshop"]] == "one of its slots became a break during the run"
    assert reasons[ids["second"]] == "one of its slots was locked during the run"
    assert "hosts" in reasons[ids["host"]]
    assert "track" in reasons[ids["track"]]
    assert "apart" in reasons[ids["pair1"]]
    assert ids["third"] not in reasons
    where = _where(await event.version_timetable(GUILD, ADMIN, version.id))
    assert where[ids["third"]] == ([monday[3].id, late.id], tt.rooms[0].id)
    assert version.status == "feasible"


async def test_a_result_overlapping_a_long_session_in_its_room_is_reseated_when_stored(
        event, world):
    """What the engine's room assignment can return (a room free in a long session's first
    slot but held in its second): the stored version moves the later one to a room free
    throughout, and leaves out what finds none, with the reason."""
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    main, workshop_room, garden = (r.id for r in tt.rooms)
    instance = await event.db.read(lambda conn: snapshot(conn, GUILD))

    def placed(session: str, slot: int, room: int, people: int) -> Assignment:
        return Assignment(session=str(world[session]), slot=str(slot), room=str(room),
                          expected_attendance=people)
    result = Result(status="optimal", utility=1, upper_bound=1, seed_heuristic_utility=1,
                    solve_seconds=0.1, assignments=[
                        placed("workshop", monday[0].id, main, 9),
                        placed("sec1", monday[1].id, main, 5),     # in the workshop's room
                        placed("dave", monday[1].id, garden, 4),
                        placed("pair1", monday[1].id, garden, 3),  # Garden again: no room left
                        placed("carol", monday[2].id, main, 2)])

    async def store(conn):
        return await store_run_result(conn, GUILD, ADMIN, result, instance, None)
    vid = await event.db.write(store, guild=GUILD)
    version = await event.schedule_version(GUILD, ADMIN, vid)
    where = _where(await event.version_timetable(GUILD, ADMIN, vid))
    assert where[world["workshop"]] == ([monday[0].id, monday[1].id], main)
    assert where[world["sec1"]] == ([monday[1].id], workshop_room)
    assert where[world["dave"]] == ([monday[1].id], garden)
    assert [u.session_id for u in version.unplaced] == [world["pair1"]]
    assert "no other room was free" in version.unplaced[0].reason
    assert version.status == "feasible"


async def test_a_withdrawn_long_session_no_longer_holds_its_slots(event, world):
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    await event.pin(GUILD, ADMIN, world["workshop"], monday[0].id, tt.rooms[2].id)
    version = await event.run_schedule(GUILD, ADMIN, time_limit=2)
    await event.publish(GUILD, ADMIN, version.id, make_visible=True)
    with pytest.raises(Conflict, match="takes several slots"):
        await event.add_slot(GUILD, ADMIN, tt.days[0].id, "10:15", "10:30")
    await event.withdraw_session(GUILD, ADMIN, world["workshop"])
    added = await event.add_slot(GUILD, ADMIN, tt.days[0].id, "10:15", "10:30")
    await event.edit_slot(GUILD, ADMIN, monday[1].id, is_break=True)  # no force needed
    assert added.id in {s.id for s in (await event.timetable(GUILD, ADMIN)).days[0].slots}


async def test_pins_that_overlap_in_a_room_are_refused_in_the_contracts_words(event, world):
    """A session pinned into a room a pinned session holds in its second slot once it was made
    longer (pinning it there is refused at once, see above): the run is refused with the
    engine's sentence (not a report of the validation library)."""
    tt = await event.timetable(GUILD, ADMIN)
    monday = [s for s in tt.days[0].slots if not s.is_break]
    room = tt.rooms[0].id
    await event.pin(GUILD, ADMIN, world["sec1"], monday[0].id, room)
    await event.pin(GUILD, ADMIN, world["carol"], monday[1].id, room)
    await event.set_length(GUILD, ADMIN, world["sec1"], 2)
    with pytest.raises(InvalidInput) as refused:
        await event.run_schedule(GUILD, ADMIN, time_limit=2)
    said = refused.value.user_message
    assert "overlap in room" in said and "validation error" not in said, said
