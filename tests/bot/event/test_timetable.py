from datetime import UTC, date, datetime, time

import pytest

from bot.event import Conflict, Forbidden, InvalidInput, NotFound
from tests.bot.conftest import ADMIN, ALICE, EXAMPLE_TOML, GUILD
from tests.bot.helpers import dump


async def test_example_toml_imports_in_the_event_timezone(event):
    tt = await event.timetable(GUILD, ALICE)
    assert tt.timezone == "Europe/Brussels"
    assert [d.date for d in tt.days] == [date(2026, 7, 6), date(2026, 7, 7)]
    assert [d.label for d in tt.days] == ["Monday", "Tuesday"]
    first = tt.days[0].slots[0]
    # 09:30 in Brussels in July (CEST, UTC+2) is 07:30 UTC
    assert first.start == datetime(2026, 7, 6, 7, 30, tzinfo=UTC)
    assert first.end == datetime(2026, 7, 6, 8, 15, tzinfo=UTC)
    assert [(s.is_break, s.label) for s in tt.days[0].slots if s.is_break] == \
        [(True, "Coffee"), (True, "Lunch")]
    assert len(tt.days[1].slots) == 4
    assert [(r.name, r.capacity) for r in tt.rooms] == \
        [("Main hall", 80), ("Workshop room", 25), ("Garden", 15)]
    assert tt.rooms[1].link == "https://meet.example.org/workshop"


async def test_import_replaces_the_timetable(event):
    await event.import_timetable_toml(GUILD, ADMIN, """
        [[rooms]]
        name = "Only room"
        capacity = 5
        [[days]]
        date = "2026-08-01"
        slots = [{ start = "10:00", end = "11:00" }]
    """)
    tt = await event.timetable(GUILD, ADMIN)
    assert [r.name for r in tt.rooms] == ["Only room"]
    assert [len(d.slots) for d in tt.days] == [1]


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("[[days]\n", "not valid TOML"),
    ('timezone = "Mars/Olympus"', "Unknown timezone"),
    ('[[rooms]]\nname = "A"\ncapacity = 0', "capacity"),
    ('[[rooms]]\nname = "   "\ncapacity = 3', "empty"),
    ('[[rooms]]\nname = "A"\ncapacity = 3\n[[rooms]]\nname = "a"\ncapacity = 3', "same name"),
    ('[[days]]\ndate = "2026-13-01"', "date"),
    ('[[days]]\ndate = 2026-07-06\nslots = [{ start = "10:00", end = "09:00" }]', "ends before"),
    ('[[days]]\ndate = 2026-07-06\nslots = [{ start = "10:00", end = "11:00" },'
     '{ start = "10:30", end = "11:30" }]', "overlap"),
    ('[[days]]\ndate = 2026-07-06\nslots = [{ start = "25:00", end = "26:00" }]', "time of day"),
    ('[[days]]\ndate = 2026-07-06\nslots = [{ start = "10:00", end = "11:00", brk = true }]',
     "unknown key"),
    ("[[rooms]]\nname = \"A\u202eB\"\ncapacity = 3", "direction"),
])
async def test_bad_toml_is_refused_and_nothing_changes(event, text, message):
    before = await dump(event)
    with pytest.raises(InvalidInput, match=message):
        await event.import_timetable_toml(GUILD, ADMIN, text)
    assert await dump(event) == before


async def test_only_admins_change_the_timetable(event):
    with pytest.raises(Forbidden):
        await event.import_timetable_toml(GUILD, ALICE, EXAMPLE_TOML.read_text())
    with pytest.raises(Forbidden):
        await event.add_room(GUILD, ALICE, "Mine", 3)


async def test_day_slot_room_crud(event):
    day = await event.add_day(GUILD, ADMIN, "2026-07-08", "Wednesday")
    with pytest.raises(Conflict):
        await event.add_day(GUILD, ADMIN, date(2026, 7, 8))
    slot = await event.add_slot(GUILD, ADMIN, day.id, "09:00", time(10, 0))
    assert slot.start == datetime(2026, 7, 8, 7, 0, tzinfo=UTC)
    with pytest.raises(Conflict, match="overlap"):
        await event.add_slot(GUILD, ADMIN, day.id, "09:30", "10:30")
    with pytest.raises(InvalidInput, match="end after"):
        await event.add_slot(GUILD, ADMIN, day.id, "12:00", "11:00")
    slot = await event.edit_slot(GUILD, ADMIN, slot.id, end="10:15", is_break=True,
                                 label="Long coffee")
    assert slot.is_break and slot.label == "Long coffee"
    assert slot.end == datetime(2026, 7, 8, 8, 15, tzinfo=UTC)
    assert (await event.edit_day(GUILD, ADMIN, day.id, label="Wed")).label == "Wed"
    room = await event.add_room(GUILD, ADMIN, "Attic", 4, link="https://x.example")
    with pytest.raises(Conflict):
        await event.add_room(GUILD, ADMIN, "ATTIC", 9)
    with pytest.raises(InvalidInput, match="capacity"):
        await event.edit_room(GUILD, ADMIN, room.id, capacity=0)
    room = await event.edit_room(GUILD, ADMIN, room.id, name="Loft", capacity=6, link=None)
    assert (room.name, room.capacity, room.link) == ("Loft", 6, None)
    await event.remove_room(GUILD, ADMIN, room.id)
    await event.remove_slot(GUILD, ADMIN, slot.id)
    await event.remove_day(GUILD, ADMIN, day.id)
    tt = await event.timetable(GUILD, ADMIN)
    assert "Loft" not in [r.name for r in tt.rooms]
    assert date(2026, 7, 8) not in [d.date for d in tt.days]
    for call in (event.remove_room(GUILD, ADMIN, room.id),
                 event.remove_slot(GUILD, ADMIN, slot.id),
                 event.remove_day(GUILD, ADMIN, day.id)):
        with pytest.raises(NotFound):
            await call


async def test_locked_slots_and_final_days(event):
    tt = await event.timetable(GUILD, ADMIN)
    tuesday = tt.days[1]
    assert not tuesday.final
    for s in tuesday.slots:
        if not s.is_break:
            assert (await event.lock_slot(GUILD, ADMIN, s.id)).locked
    tuesday = (await event.timetable(GUILD, ADMIN)).days[1]
    assert tuesday.final
    with pytest.raises(Conflict, match="final"):
        await event.add_slot(GUILD, ADMIN, tuesday.id, "15:00", "16:00")
    locked = tuesday.slots[0]
    with pytest.raises(Conflict, match="unlock"):
        await event.edit_slot(GUILD, ADMIN, locked.id, label="x")
    with pytest.raises(Conflict, match="unlock"):
        await event.remove_slot(GUILD, ADMIN, locked.id)
    await event.unlock_slot(GUILD, ADMIN, locked.id)
    assert not (await event.timetable(GUILD, ADMIN)).days[1].final
