"""Moves between two versions, and one notice per person who should hear about them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.event import Actor, Forbidden, NotFound
from bot.event.changes import describe, local_time, moves, notice_text, notices
from bot.event.models import PublishedDay, PublishedSlot, PublishedTimetable
from tests.bot.conftest import ADMIN, ALICE, GUILD, OTHER_GUILD, verified
from tests.bot.timetables import build, lengthen

FMT = local_time("Europe/Brussels")


def _shuffle(tt: PublishedTimetable, *, swap: tuple[int, int] | None = None,
             room_swap: tuple[int, int] | None = None, drop: int | None = None,
             version_id: int = 2) -> PublishedTimetable:
    """A new version: swap two sessions' slots/rooms, swap two rooms' occupants, drop one."""
    flat = {e.session_id: (ps.slot.id, e) for d in tt.days for ps in d.slots for e in ps.entries}
    place = {sid: (slot, e.room_id, e.room_name) for sid, (slot, e) in flat.items()}
    for pair in (swap, room_swap):
        if pair:
            a, b = pair
            place[a], place[b] = place[b], place[a]
    days = []
    for d in tt.days:
        slots = []
        for ps in d.slots:
            entries = tuple(replace(flat[sid][1], room_id=r, room_name=n)
                            for sid, (slot, r, n) in sorted(place.items())
                            if slot == ps.slot.id and sid != drop)
            slots.append(PublishedSlot(ps.slot, entries))
        days.append(PublishedDay(d.date, d.label, tuple(slots)))
    return PublishedTimetable(version_id, tt.timezone, tuple(days))


def test_same_version_has_no_moves():
    tt = build()
    assert moves(tt, tt) == []


def test_every_kind_of_change_is_found_in_time_order():
    old = build(days=1, slots_per_day=3, rooms=3)  # sessions 1-3 at 09:30, 4-6, 7-9
    new = _shuffle(old, swap=(1, 8), room_swap=(4, 5), drop=9)
    found = {m.session_id: m for m in moves(old, new)}
    assert set(found) == {1, 8, 4, 5, 9}
    assert found[1].kind == "moved" and found[8].kind == "moved"
    assert found[1].before.slot.id != found[1].after.slot.id
    assert found[4].kind == "room" and found[4].after.room_name == "Workshop room"
    assert found[9].kind == "unscheduled" and found[9].after is None
    assert [m.session_id for m in moves(old, new)] == [1, 4, 5, 8, 9]
    back = {m.session_id: m.kind for m in moves(new, old)}
    assert back[9] == "scheduled"


def test_one_notice_per_person_with_all_their_sessions():
    old = build(days=1, slots_per_day=3, rooms=3)
    new = _shuffle(old, swap=(1, 8), room_swap=(4, 5))
    interest = {
        1: {50: 100, 51: 75, 52: 25, 1001: 100},  # 1001 proposes session 1 (owner 1000+sid)
        8: {50: 75, 53: 0},
        4: {50: 100},
        2: {54: 100},                               # session 2 did not move
    }
    found = notices(moves(old, new), interest)
    by_user = {n.user_id: n for n in found}
    assert [n.user_id for n in found] == sorted(by_user)
    assert set(by_user) == {50, 51, 1001, 1008, 1004, 1005}  # not 52 (a little), 53, 54
    assert [(i.move.session_id, i.reason) for i in by_user[50].items] == [
        (1, "very"), (4, "very"), (8, "yes")]
    assert [(i.move.session_id, i.reason) for i in by_user[1001].items] == [(1, "proposer")]
    text = notice_text(by_user[50], FMT, "Test camp")
    assert text.startswith("📅 The timetable of Test camp changed for 3 sessions you care "
                           "about:")
    assert text.count("\n- ") == 3
    assert "“Session 1” moved from Mon 6 Jul 09:30 in Main hall to Mon 6 Jul 12:00 in " \
           "Workshop room · _you rated it very_\n" in text
    assert text.endswith("\n-# Your updated schedule: /myschedule in the server.")
    assert "((" not in text and ") (" not in text  # one pair of brackets at most per line
    assert notice_text(by_user[1001], FMT).count("_your session_") == 1


def test_the_notice_in_german():
    """The same notice in the reader's language: one sentence per move, German day and month
    names (Babel), and the German name of /myschedule."""
    from bot.i18n import language
    de = language("de")
    old = build(days=1, slots_per_day=3, rooms=3)
    new = _shuffle(old, swap=(1, 8), room_swap=(4, 5), drop=9)
    by_user = {n.user_id: n for n in notices(moves(old, new), {1: {50: 100}, 4: {50: 75}})}
    text = notice_text(by_user[50], local_time("Europe/Brussels", de), "Test camp", t=de)
    assert text.startswith("📅 Der Zeitplan von Test camp hat sich für 2 Sessions geändert, "
                           "die dich betreffen:")
    assert "„Session 1“ wurde von Mo., 6. Juli 09:30 in Main hall auf Mo., 6. Juli 12:00 in " \
           "Workshop room verschoben · _du hast sie mit „sehr“ bewertet_" in text
    assert "„Session 4“ am Mo., 6. Juli 10:30 wechselt den Raum von Main hall nach Workshop " \
           "room · _du hast sie mit „ja“ bewertet_" in text
    assert text.endswith("\n-# Dein aktualisierter Plan: /mein-zeitplan auf dem Server.")


def test_unscheduled_told_scheduled_not():
    old = build(days=1, slots_per_day=2, rooms=2)
    new = _shuffle(old, drop=3)
    interest = {3: {60: 100}}
    [a, b] = notices(moves(old, new), interest)
    assert (a.user_id, b.user_id) == (60, 1003)
    assert "is no longer in the timetable (it was at Mon 6 Jul 10:30 in Main hall)" in \
        describe(a.items[0].move, FMT)
    assert notices(moves(new, old), interest) == []


async def test_service_gives_the_inputs(event, solve_worker):
    """`version_timetable` lays out any version like the published one; `interest_levels`
    gives everyone's levels; both are for admins of this guild only."""
    await verified(event, ALICE)
    a = await event.propose(GUILD, ALICE, "Talk A", "x")
    b = await event.propose(GUILD, ADMIN, "Talk B", "x")
    await event.set_interest(GUILD, ADMIN, a.id, 75)
    version = await event.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    await event.publish(GUILD, ADMIN, version.id)
    assert await event.version_timetable(GUILD, ADMIN, version.id) == \
        await event.published_timetable(GUILD, ADMIN)
    assert await event.interest_levels(GUILD, ADMIN) == {a.id: {11: 100, 1: 75},
                                                          b.id: {1: 100}}
    assert await event.interest_levels(GUILD, ADMIN, [b.id]) == {b.id: {1: 100}}
    with pytest.raises(Forbidden):
        await event.version_timetable(GUILD, ALICE, version.id)
    with pytest.raises(Forbidden):
        await event.interest_levels(GUILD, ALICE)
    await event.setup_event(OTHER_GUILD, ADMIN)
    with pytest.raises(NotFound):
        await event.version_timetable(OTHER_GUILD, ADMIN, version.id)
    assert await event.interest_levels(OTHER_GUILD, ADMIN) == {}


async def test_a_withdrawn_published_session_is_a_change_people_hear_of(event, solve_worker):
    """Withdrawing a published session drops it from the timetable everyone sees at once; the
    next run lists it among the changes against the published version, and publishing that
    run tells the people who wanted it."""
    await verified(event, ALICE)
    a = await event.propose(GUILD, ALICE, "Talk A", "x")
    b = await event.propose(GUILD, ADMIN, "Talk B", "x")
    fan = Actor(77, "Fan")
    await verified(event, fan)
    await event.set_interest(GUILD, fan, a.id, 100)
    v1 = await event.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    await event.publish(GUILD, ADMIN, v1.id)
    await event.withdraw_session(GUILD, ALICE, a.id)
    shown = await event.published_timetable(GUILD, ADMIN)
    assert [e.session_id for d in shown.days for s in d.slots for e in s.entries] == [b.id]

    v2 = await event.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    preview = await event.preview_version(GUILD, ADMIN, v2, FMT)
    assert [(m.session_id, m.kind) for m in preview.moves] == [(a.id, "withdrawn")]
    assert "“Talk A” was withdrawn: it will not take place" in preview.move_lines[0]
    done = await event.publish(GUILD, ADMIN, v2.id)
    told = notices(moves(done.previous_timetable, done.timetable),
                   await event.interest_levels(GUILD, ADMIN, [a.id]))
    assert [n.user_id for n in told] == [fan.user_id]  # not the proposer, who withdrew it
    assert "was withdrawn" in notice_text(told[0], FMT)

    # a version computed before the withdrawal, published after it, then replaced: the
    # withdrawal was told once, at the publish above, and is not news again
    await event.publish(GUILD, ADMIN, v1.id)
    v3 = await event.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    done = await event.publish(GUILD, ADMIN, v3.id)
    assert [m for m in moves(done.previous_timetable, done.timetable)
            if m.kind == "withdrawn"] == []


async def test_seats_count_by_default_and_the_preview_says_how_good_and_how_full(service,
                                                                           solve_worker):
    """The snapshot asks the engine to count seats unless the organisers turned it off; the
    preview says in the engine's words whether the version is proven best, and how many people
    are expected beyond their rooms, now and in the published version."""
    from bot.event.scheduling import snapshot
    from scheduler_core.report import quality_sentence

    event = service
    await event.setup_event(GUILD, ADMIN, name="Small camp", timezone="Europe/Brussels")
    await event.import_timetable_toml(GUILD, ADMIN, (
        'timezone = "Europe/Brussels"\n[[rooms]]\nname = "Closet"\ncapacity = 1\n'
        '[[days]]\ndate = 2026-07-06\nslots = [{ start = "09:30", end = "10:15" }]\n'))
    await verified(event, ALICE)
    talk = await event.propose(GUILD, ALICE, "Talk A", "x")
    fans = [Actor(80 + i, f"Fan {i}") for i in range(3)]
    for fan in fans:
        await verified(event, fan)
        await event.set_interest(GUILD, fan, talk.id, 100)
    shot = await event.db.read(lambda conn: snapshot(conn, GUILD))
    assert shot.capacity_mode == "seats"
    off = await event.update_settings(GUILD, ADMIN, seats_count=False)
    assert off.seats_count is False
    shot = await event.db.read(lambda conn: snapshot(conn, GUILD))
    assert shot.capacity_mode == "ignore"
    with pytest.raises(Forbidden):
        await event.update_settings(GUILD, ALICE, seats_count=True)

    v1 = await event.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    first = await event.preview_version(GUILD, ADMIN, v1, FMT)
    assert first.quality == quality_sentence(v1.utility, v1.upper_bound, v1.status == "optimal")
    assert first.overflow == 3 and first.overflow_before is None  # 3 fans, Alice, 1 seat
    await event.publish(GUILD, ADMIN, v1.id)
    await event.update_settings(GUILD, ADMIN, seats_count=True)
    v2 = await event.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    second = await event.preview_version(GUILD, ADMIN, v2, FMT)
    assert second.overflow == 3 and second.overflow_before == 3
    # one seat for four: the engine proves what one person in it is worth, no more
    assert v2.utility == 100 and second.quality.startswith("Proven best possible")


def test_a_session_made_longer_in_its_slot_and_room_is_a_change():
    """Same start, same room, now two slots: it ends later, so it is told, with its end."""
    old = build(days=1, slots_per_day=3, rooms=2, break_after=None)
    new = replace(lengthen(old, 1, 2), version_id=2)
    found = {m.session_id: m for m in moves(old, new)}
    assert found[1].kind == "moved"
    assert found[3].kind == "unscheduled"  # it held that room in the second slot
    text = describe(found[1], FMT)
    assert text == ("“Session 1” moved from Mon 6 Jul 09:30 in Main hall to Mon 6 Jul 09:30 "
                    "(until Mon 6 Jul 11:15) in Main hall")
    assert moves(new, replace(new, version_id=3)) == []  # the same again: nothing
