"""Calendar and id edges: refused plainly where they come in, never overflowing later."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.event import InvalidInput
from bot.event.times import FIRST_YEAR, LAST_YEAR, parse_date, to_utc_text, zone
from tests.bot.conftest import ADMIN, GUILD
from tests.bot.helpers import dump

FAR_DAYS = ["0001-01-01", "9999-12-31", f"{FIRST_YEAR - 1}-12-31", f"{LAST_YEAR + 1}-01-01",
            date(1, 1, 1), date(9999, 12, 31)]
TOO_LARGE_IDS = [2**63, 2**64 + 5, 10**30]


@pytest.mark.parametrize("day", FAR_DAYS)
async def test_a_day_outside_the_years_is_refused_by_command_and_by_file(event, day):
    before = await dump(event)
    with pytest.raises(InvalidInput, match=f"years {FIRST_YEAR} to {LAST_YEAR}"):
        await event.add_day(GUILD, ADMIN, day)
    toml = f'[[days]]\ndate = {day.isoformat() if isinstance(day, date) else day}\n' \
           'slots = [{ start = "23:30", end = "23:59" }]\n'
    with pytest.raises(InvalidInput, match=f"years {FIRST_YEAR} to {LAST_YEAR}"):
        await event.import_timetable_toml(GUILD, ADMIN, toml)
    assert await dump(event) == before


async def test_the_first_and_last_days_of_the_years_work_in_every_timezone(event):
    for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        await event.update_settings(GUILD, ADMIN, timezone=tz)
        await event.import_timetable_toml(GUILD, ADMIN, f"""
            [[days]]
            date = {FIRST_YEAR}-01-01
            slots = [{{ start = "00:00", end = "00:30" }}]
            [[days]]
            date = {LAST_YEAR}-12-31
            slots = [{{ start = "23:00", end = "23:59" }}]
        """, force=True)
        tt = await event.timetable(GUILD, ADMIN)
        assert [d.date.year for d in tt.days] == [FIRST_YEAR, LAST_YEAR]


async def test_a_day_stored_before_the_check_is_refused_plainly_not_overflowing(event):
    """A database written by an older release may hold such a day: adding a slot to it
    explains itself instead of failing with an overflow."""
    async def far_day(conn):
        return await conn.fetchval("INSERT INTO days (guild_id, date, label) VALUES (?, ?, '') "
                                   "RETURNING id", (GUILD, "9999-12-31"))
    day_id = await event.db.write(far_day)
    await event.update_settings(GUILD, ADMIN, timezone="America/New_York")
    before = await dump(event)
    with pytest.raises(InvalidInput, match="outside the years"):
        await event.add_slot(GUILD, ADMIN, day_id, "22:00", "23:30")
    assert await dump(event) == before


def test_times_that_would_leave_the_calendar_are_refused():
    with pytest.raises(InvalidInput, match="outside the years"):
        to_utc_text(date(9999, 12, 31), time(23, 30), zone("America/New_York"))
    with pytest.raises(InvalidInput, match="outside the years"):
        to_utc_text(date(1, 1, 1), time(0, 30), zone("Asia/Tokyo"))
    assert parse_date(f" {LAST_YEAR}-12-31 ") == date(LAST_YEAR, 12, 31)


@pytest.mark.parametrize("channel", TOO_LARGE_IDS)
async def test_voice_channel_ids_beyond_discord_ids_are_refused(event, channel):
    before = await dump(event)
    room = (await event.timetable(GUILD, ADMIN)).rooms[0]
    for call in (event.add_room(GUILD, ADMIN, "Hall", 3, voice_channel_id=channel),
                 event.edit_room(GUILD, ADMIN, room.id, voice_channel_id=channel),
                 event.import_timetable_toml(GUILD, ADMIN, "[[rooms]]\nname = 'Hall'\n"
                                             f"capacity = 3\nvoice_channel_id = {channel}\n")):
        with pytest.raises(InvalidInput, match="Discord channel id"):
            await call
    assert await dump(event) == before
    largest = await event.edit_room(GUILD, ADMIN, room.id, voice_channel_id=2**63 - 1)
    assert largest.voice_channel_id == 2**63 - 1
